// The lanes kernels for one vector width, included by Lanes.c once per width. The includer
// defines:
//   LANES            samples per vector (8 or 16)
//   VEC, TARGET      the vector type and the function attribute that enables it
//   NAME(f)          f with the width appended, so both instances live in one file
//   vload vstore vfma vbroadcast vset1 vzero vadd vhsum vactivate   the vector operations
//   MOST_M3 MOST_M2 MOST_M1 MOST_WINDOW MOST_DIN(k)       the widest blocks that fit the registers
// Value (c, y, x) of sample s is at ((c * H + y) * W + x) * LANES + s.

// lanes[j, s] = samples[s, j] for s < count, 0 for the lanes beyond: 8 x 8 blocks transposed
// in registers (one value at a time, they took a quarter of C1's time), each 8 samples into
// their half of the lane vector; the last size % 8 values one at a time. With an activation,
// samples is dE/dy and `activated` is y, and what goes into the lanes is dE/da.
TARGET static void NAME(to_lanes)(const float *samples, const float *activated, const lenet_activation *activation,
                                  long count, long size, float *lanes) {
    long j = 0;
    for (; j + 8 <= size; j += 8) {
        for (long h = 0; h < LANES; h += 8) {
            __m256 r[8];
            for (long s = 0; s < 8; s++) {
                const long at = (h + s) * size + j;
                r[s] = h + s >= count ? _mm256_setzero_ps()
                     : activation ? activation_gradient8(_mm256_loadu_ps(activated + at), _mm256_loadu_ps(samples + at), activation)
                     : _mm256_loadu_ps(samples + at);
            }
            transpose8(r);
            for (long jj = 0; jj < 8; jj++) _mm256_store_ps(lanes + (j + jj) * LANES + h, r[jj]);
        }
    }
    for (; j < size; j++) {
        for (long s = 0; s < count; s++) {
            const long at = s * size + j;
            lanes[j * LANES + s] = activation ? activation_gradient1(activated[at], samples[at], activation) : samples[at];
        }
        for (long s = count; s < LANES; s++) lanes[j * LANES + s] = 0;
    }
}

// samples[s, j] (+)= lanes[j, s] for s < count, transposed as in to_lanes.
TARGET static void NAME(from_lanes)(const float *lanes, long count, long size, float *samples, bool add) {
    long j = 0;
    for (; j + 8 <= size; j += 8) {
        for (long h = 0; h < count; h += 8) {
            __m256 r[8];
            for (long jj = 0; jj < 8; jj++) r[jj] = _mm256_load_ps(lanes + (j + jj) * LANES + h);
            transpose8(r);
            for (long s = 0; s < 8 && h + s < count; s++) {
                float *dst = samples + (h + s) * size + j;
                _mm256_storeu_ps(dst, add ? _mm256_add_ps(_mm256_loadu_ps(dst), r[s]) : r[s]);
            }
        }
    }
    for (; j < size; j++) {
        for (long s = 0; s < count; s++) {
            if (add) samples[s * size + j] += lanes[j * LANES + s];
            else samples[s * size + j] = lanes[j * LANES + s];
        }
    }
}

// Output maps o0 ..< o0+M at row y, columns x0 ..< x0+X (M, X constants after inlining):
// per tap, X input loads and M weight broadcasts feed M * X FMAs. An activation (when asked) is
// applied to the sums in the registers that summed them, all LANES samples per tanh.
TARGET INLINE void NAME(forward_block)(
    int M, int X, long o0, long y, long x0, long inC, long inH, long inW, long k, long oh, long ow,
    const float *in, const float *weights, const float *bias, const bool *connected, const lenet_activation *activation,
    float *out
) {
    VEC acc[3][MOST_X];
    for (int m = 0; m < M; m++) for (int x = 0; x < X; x++) acc[m][x] = vset1(bias[o0 + m]);
    for (long i = 0; i < inC; i++) {
        if (!is_connected(connected, o0, i, inC)) continue;  // M > 1 only with every map connected
        for (long ky = 0; ky < k; ky++) {
            const float *row = in + ((i * inH + y + ky) * inW + x0) * LANES;
            for (long kx = 0; kx < k; kx++) {
                VEC w[3];
                for (int m = 0; m < M; m++) w[m] = vbroadcast(weights + (((o0 + m) * inC + i) * k + ky) * k + kx);
                for (int x = 0; x < X; x++) {
                    const VEC v = vload(row + (x + kx) * LANES);
                    for (int m = 0; m < M; m++) acc[m][x] = vfma(w[m], v, acc[m][x]);
                }
            }
        }
    }
    for (int m = 0; m < M; m++)
        for (int x = 0; x < X; x++)
            vstore(out + (((o0 + m) * oh + y) * ow + x0 + x) * LANES, activation ? vactivate(acc[m][x], activation) : acc[m][x]);
}

// One output map at row y, columns x0 ..< x0+X, for a k x k kernel (K, X constants): the X+K-1
// input vectors of a kernel row are loaded once into registers and each feeds up to K FMAs, so
// per kernel row X+K-1 loads and K broadcasts feed X*K FMAs (9 + 5 for 25 at X = K = 5), where
// loading per tap would need 6 loads for 5 FMAs.
TARGET INLINE void NAME(forward_window)(
    int K, int X, long o, long y, long x0, long inC, long inH, long inW, long oh, long ow,
    const float *in, const float *weights, const float *bias, const bool *connected, const lenet_activation *activation,
    float *out
) {
    VEC acc[MOST_X];
    for (int x = 0; x < X; x++) acc[x] = vset1(bias[o]);
    for (long i = 0; i < inC; i++) {
        if (!is_connected(connected, o, i, inC)) continue;
        for (int ky = 0; ky < K; ky++) {
            const float *row = in + ((i * inH + y + ky) * inW + x0) * LANES;
            VEC v[MOST_X + 4];
            for (int j = 0; j < X + K - 1; j++) v[j] = vload(row + j * LANES);
            for (int kx = 0; kx < K; kx++) {
                const VEC w = vbroadcast(weights + ((o * inC + i) * K + ky) * K + kx);
                for (int x = 0; x < X; x++) acc[x] = vfma(w, v[x + kx], acc[x]);
            }
        }
    }
    for (int x = 0; x < X; x++) vstore(out + ((o * oh + y) * ow + x0 + x) * LANES, activation ? vactivate(acc[x], activation) : acc[x]);
}

TARGET static void NAME(forward_lanes)(
    long inC, long outC, long inH, long inW, long k,
    const float *in, const float *weights, const float *bias, const bool *connected, const lenet_activation *activation,
    float *out
) {
    const long oh = inH - k + 1, ow = inW - k + 1;
    // Blocks of three or two output maps when every map is connected; one map at a time under a
    // table (the maps of a block must read the same inputs).
    const int M = connected != NULL ? 1 : outC % 3 == 0 ? 3 : outC % 2 == 0 ? 2 : 1;
    if (M == 1 && k == 5) {
        const long width = block_width(ow, MOST_WINDOW);
        for (long o = 0; o < outC; o++) {
            for (long y = 0; y < oh; y++) {
                for (long x0 = 0; x0 < ow; x0 += width) {
                    #define W(XX) NAME(forward_window)(5, XX, o, y, x0, inC, inH, inW, oh, ow, in, weights, bias, connected, activation, out)
                    SWITCH_X(ow - x0 < width ? ow - x0 : width, MOST_WINDOW, W)
                    #undef W
                }
            }
        }
        return;
    }
    // 8 or more sums: fewer leave the FMAs waiting on their latency (C3's 10-wide rows in blocks
    // of 4, 4 and 2 had a 2-wide block of 4 sums).
    const long most = M == 1 ? MOST_M1 : M == 2 ? MOST_M2 : MOST_M3;
    const long width = block_width(ow, most);
    for (long o0 = 0; o0 < outC; o0 += M) {
        for (long y = 0; y < oh; y++) {
            for (long x0 = 0; x0 < ow; x0 += width) {
                const long X = ow - x0 < width ? ow - x0 : width;
                #define B3(XX) NAME(forward_block)(3, XX, o0, y, x0, inC, inH, inW, k, oh, ow, in, weights, bias, connected, activation, out)
                #define B2(XX) NAME(forward_block)(2, XX, o0, y, x0, inC, inH, inW, k, oh, ow, in, weights, bias, connected, activation, out)
                #define B1(XX) NAME(forward_block)(1, XX, o0, y, x0, inC, inH, inW, k, oh, ow, in, weights, bias, connected, activation, out)
                if (M == 3) { SWITCH_X(X, MOST_M3, B3) }
                else if (M == 2) { SWITCH_X(X, MOST_M2, B2) }
                else { SWITCH_X(X, MOST_M1, B1) }
                #undef B3
                #undef B2
                #undef B1
            }
        }
    }
}

// One group of at most LANES samples: into the lanes layout, forward, and back.
TARGET static void NAME(forward_group)(
    long inC, long outC, long inH, long inW, long k, long count,
    const float *input, const float *weights, const float *bias, const bool *connected,
    const lenet_activation *activation, float *output
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    float *inLanes = thread_scratch((size_t)(inCount + outCount) * LANES), *outLanes = inLanes + inCount * LANES;
    NAME(to_lanes)(input, NULL, NULL, count, inCount, inLanes);
    NAME(forward_lanes)(inC, outC, inH, inW, k, inLanes, weights, bias, connected, activation, outLanes);
    NAME(from_lanes)(outLanes, count, outCount, output, false);
}

// dW of (output map o[p], input map i) for P <= MOST_P output maps at once, kernel row ky:
// per output position, P gradient loads and k input loads feed P * k FMAs.
TARGET INLINE void NAME(weight_gradient_row)(
    int P, int K, const long *o, long i, long ky, long inC, long inH, long inW, long oh, long ow,
    const float *in, const float *dOut, float *dW
) {
    // Each lane sums one sample's whole map, so rows are summed first and then added up: the
    // rounding error grows with oh + ow, not oh * ow. The row sums are added as vectors and
    // the lanes once at the end: a horizontal sum per row and tap had cost about as many
    // instructions as a 10-wide row's FMAs.
    VEC total[MOST_P][8];
    for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) total[p][kx] = vzero();
    for (long y = 0; y < oh; y++) {
        VEC acc[MOST_P][8];
        for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) acc[p][kx] = vzero();
        const float *row = in + ((i * inH + y + ky) * inW) * LANES;
        for (long x = 0; x < ow; x++) {
            VEC g[MOST_P];
            for (int p = 0; p < P; p++) g[p] = vload(dOut + ((o[p] * oh + y) * ow + x) * LANES);
            for (int kx = 0; kx < K; kx++) {
                const VEC v = vload(row + (x + kx) * LANES);
                for (int p = 0; p < P; p++) acc[p][kx] = vfma(g[p], v, acc[p][kx]);
            }
        }
        for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) total[p][kx] = vadd(total[p][kx], acc[p][kx]);
    }
    for (int p = 0; p < P; p++)
        for (int kx = 0; kx < K; kx++) dW[((o[p] * inC + i) * K + ky) * K + kx] += vhsum(total[p][kx]);
}

// dIn[i, y, x0 ..< x0+X] = sum over connected o, valid ky and kx of w[o,i,ky,kx] * dOut[o, y-ky, x-kx]
// (K, X constants), as a scatter: each dOut vector of a row that reaches the block is loaded
// once and multiplied by the K weights of the kernel row into the columns it reaches, so only
// products that exist are computed. The gather form (the forward kernel over dOut padded by
// K-1 zero columns) computed inW / ow times as many, 1.4x for C3 and 1.5x for LeNet-1's C2,
// and wrote and cleared the padded copy. With inActivation, the activation that produced the
// input (in holding its y), what is stored is dE/d(its argument), taken as for any dE/dy.
TARGET INLINE void NAME(input_gradient_block)(
    int K, int X, long i, long y, long x0, long inC, long outC, long oh, long ow,
    const float *weights, const bool *connected, const float *dOut, const float *in, const lenet_activation *inActivation,
    float *dIn, long inH, long inW
) {
    // Column c takes its taps from consecutive dOut columns; two sums per column, for even and
    // odd kx, put two dOut columns between dependent FMAs (one sum was bound by FMA latency).
    VEC acc[2][MOST_X];
    for (int x = 0; x < X; x++) acc[0][x] = acc[1][x] = vzero();
    const long kyFirst = y - (oh - 1) > 0 ? y - (oh - 1) : 0, kyEnd = y + 1 < K ? y + 1 : K;
    for (long o = 0; o < outC; o++) {
        if (!is_connected(connected, o, i, inC)) continue;
        for (long ky = kyFirst; ky < kyEnd; ky++) {
            const float *row = dOut + ((o * oh + y - ky) * ow) * LANES, *w = weights + ((o * inC + i) * K + ky) * K;
            VEC wv[8];
            for (int kx = 0; kx < K; kx++) wv[kx] = vbroadcast(w + kx);
            // dOut column x0 + j reaches block columns j ..< j + K. Unrolled in full (as LLVM
            // does by itself up to X = 6) so that the sums stay in registers.
            #pragma clang loop unroll(full)
            for (int j = 1 - K; j < X; j++) {
                if (x0 + j < 0 || x0 + j >= ow) continue;
                const VEC g = vload(row + (x0 + j) * LANES);
                #pragma clang loop unroll(full)
                for (int kx = 0; kx < K; kx++)
                    if (j + kx >= 0 && j + kx < X) acc[kx & 1][j + kx] = vfma(wv[kx], g, acc[kx & 1][j + kx]);
            }
        }
    }
    for (int x = 0; x < X; x++) {
        const long at = ((i * inH + y) * inW + x0 + x) * LANES;
        const VEC g = vadd(acc[0][x], acc[1][x]);
        vstore(dIn + at, inActivation ? vgradient(vload(in + at), g, inActivation) : g);
    }
}

TARGET static void NAME(backward_lanes)(
    long inC, long outC, long inH, long inW, long k,
    const float *in, const float *weights, const bool *connected, const float *dOut,
    float *dW, float *dBias, const lenet_activation *inActivation, float *dIn
) {
    const long oh = inH - k + 1, ow = inW - k + 1, n = oh * ow;
    // Each map's bias gradient is one chain of adds, in order; four maps' chains at a time keep
    // the adds from waiting on each other's latency (one chain at a time, C1's took 0.4 µs per
    // image). A last group of fewer maps repeats its last map's chain and drops the copies.
    for (long o = 0; o < outC; o += 4) {
        const float *map[4];
        for (int t = 0; t < 4; t++) map[t] = dOut + (o + t < outC ? o + t : outC - 1) * n * LANES;
        VEC sum[4] = {vzero(), vzero(), vzero(), vzero()};
        for (long j = 0; j < n; j++)
            for (int t = 0; t < 4; t++) sum[t] = vadd(sum[t], vload(map[t] + j * LANES));
        for (int t = 0; t < 4 && o + t < outC; t++) dBias[o + t] += vhsum(sum[t]);
    }
    // For each input map, the output maps reading it, MOST_P at a time (fewer at the end).
    for (long i = 0; i < inC; i++) {
        long readers[MOST_P], n = 0;
        for (long o = 0; o <= outC; o++) {
            if (o < outC && is_connected(connected, o, i, inC)) readers[n++] = o;
            if (n == MOST_P || (o == outC && n > 0)) {
                for (long ky = 0; ky < k; ky++) {
                    #define R(PP) NAME(weight_gradient_row)(PP, K, readers, i, ky, inC, inH, inW, oh, ow, in, dOut, dW)
                    switch (k) {
                        #define KS(KK) case KK: { enum { K = KK }; SWITCH_X(n, MOST_P, R) } break;
                        KS(1) KS(2) KS(3) KS(4) KS(5) KS(6) KS(7) KS(8)
                        #undef KS
                    }
                    #undef R
                }
                n = 0;
            }
        }
    }
    if (dIn == NULL) return;
    const long width = block_width(inW, MOST_DIN(k));
    for (long i = 0; i < inC; i++) {
        for (long y = 0; y < inH; y++) {
            for (long x0 = 0; x0 < inW; x0 += width) {
                const long X = inW - x0 < width ? inW - x0 : width;
                #define G(KK, XX) NAME(input_gradient_block)(KK, XX, i, y, x0, inC, outC, oh, ow, weights, connected, dOut, in, \
                                                             inActivation, dIn, inH, inW)
                #define G1(XX) G(1, XX)
                #define G2(XX) G(2, XX)
                #define G3(XX) G(3, XX)
                #define G4(XX) G(4, XX)
                #define G5(XX) G(5, XX)
                #define G6(XX) G(6, XX)
                #define G7(XX) G(7, XX)
                #define G8(XX) G(8, XX)
                switch (k) {
                    case 1: SWITCH_X(X, MOST_DIN(1), G1) break; case 2: SWITCH_X(X, MOST_DIN(2), G2) break;
                    case 3: SWITCH_X(X, MOST_DIN(3), G3) break; case 4: SWITCH_X(X, MOST_DIN(4), G4) break;
                    case 5: SWITCH_X(X, MOST_DIN(5), G5) break; case 6: SWITCH_X(X, MOST_DIN(6), G6) break;
                    case 7: SWITCH_X(X, MOST_DIN(7), G7) break; default: SWITCH_X(X, MOST_DIN(8), G8) break;
                }
                #undef G1
                #undef G2
                #undef G3
                #undef G4
                #undef G5
                #undef G6
                #undef G7
                #undef G8
                #undef G
            }
        }
    }
}

// One group of at most LANES samples: input and dOut into the lanes layout, the gradients, dIn back.
TARGET static void NAME(backward_group)(
    long inC, long outC, long inH, long inW, long k, long count,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    const float *activated, const lenet_activation *activation, float *weightGradient, float *biasGradient,
    float *inputGradient
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    float *inLanes = thread_scratch((size_t)(2 * inCount + outCount) * LANES);
    float *dOutLanes = inLanes + inCount * LANES, *dInLanes = dOutLanes + outCount * LANES;
    NAME(to_lanes)(input, NULL, NULL, count, inCount, inLanes);
    NAME(to_lanes)(outputGradient, activated, activation, count, outCount, dOutLanes);
    NAME(backward_lanes)(inC, outC, inH, inW, k, inLanes, weights, connected, dOutLanes, weightGradient, biasGradient,
                         NULL, inputGradient ? dInLanes : NULL);
    if (inputGradient) NAME(from_lanes)(dInLanes, count, inCount, inputGradient, true);
}
