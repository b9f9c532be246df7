// A network's front layer by layer in the lanes layout (lenet_lanes_layer), for one vector
// width: included by Lanes.c after LanesTemplate.h, with its macros and these:
//   vmul vmax                             the vector operations
//   MASK vequal vfirst vor vtake vleave   comparisons as masks: vequal(a, b) where a == b,
//                                         vfirst(m, e) where e and not m, vtake(m, g) g where m
//                                         and +0 elsewhere, vleave(m, g) g where not m
// The subsampling and pooling do what the batch kernels of Pooling.c do to each value, so the
// values are the same bits; only the subsampling's two sums over a map differ in form (below).

// The input vectors of output (c, y, x) of a 2x2 stride-2 layer: a b in row 2y, c d in row 2y + 1.
#define QUAD(in, H, W, c, y, x)                                                                 \
    const float *r0 = (in) + (((c) * (H) + 2 * (y)) * (W) + 2 * (x)) * LANES, *r1 = r0 + (W) * LANES; \
    const VEC a = vload(r0), b = vload(r0 + LANES), cc = vload(r1), d = vload(r1 + LANES);

// out = activation(w · (((a + b) + c) + d) + bias) (subsampling, unfused as in COMBINE),
// ((a + b) + c + d) · 1/4 (average) or max(max(a, b), max(c, d)).
TARGET static void NAME(pool_forward)(const lenet_lanes_layer *layer, const float *in, float *out) {
    const long C = layer->inC, oh = layer->inH / 2, ow = layer->inW / 2, W = layer->inW;
    const lenet_activation *f = layer->activates ? &layer->activation : NULL;
    for (long c = 0; c < C; c++) {
        const VEC w = layer->kind == LENET_LANES_SUBSAMPLING ? vset1(layer->weights[c]) : vset1(0.25f);
        const VEC bias = layer->kind == LENET_LANES_SUBSAMPLING ? vset1(layer->bias[c]) : vzero();
        for (long y = 0; y < oh; y++) {
            for (long x = 0; x < ow; x++) {
                QUAD(in, layer->inH, W, c, y, x)
                const VEC s = vadd(vadd(vadd(a, b), cc), d);
                const VEC v = layer->kind == LENET_LANES_MAX_POOLING ? vmax(vmax(a, b), vmax(cc, d))
                            : layer->kind == LENET_LANES_AVERAGE_POOLING ? vmul(s, w)
                            : vadd(vmul(w, s), bias);
                vstore(out + ((c * oh + y) * ow + x) * LANES, f ? vactivate(v, f) : v);
            }
        }
    }
}

// Per lane, lenet_avx2_dot(g, s, n) of that lane's sample, its operations in its order: chain
// (accumulator a, element l) of the 8-wide kernel becomes a vector of all samples.
TARGET static VEC NAME(lanewise_dot)(const float *g, const float *s, long n) {
    const long by32 = n / 32 * 32, by8 = by32 + (n - by32) / 8 * 8;
    VEC part[8];
    for (int l = 0; l < 8; l++) {
        VEC acc[4] = {vzero(), vzero(), vzero(), vzero()};
        for (long i = 0; i < by32; i += 32)
            for (int a = 0; a < 4; a++) acc[a] = vfma(vload(g + (i + 8 * a + l) * LANES), vload(s + (i + 8 * a + l) * LANES), acc[a]);
        for (long i = by32; i < by8; i += 8) acc[0] = vfma(vload(g + (i + l) * LANES), vload(s + (i + l) * LANES), acc[0]);
        part[l] = vadd(vadd(acc[0], acc[1]), vadd(acc[2], acc[3]));
    }
    // horizontal_sum: the 128-bit halves added, then the upper pair, then the two left.
    VEC sum = vadd(vadd(vadd(part[0], part[4]), vadd(part[2], part[6])), vadd(vadd(part[1], part[5]), vadd(part[3], part[7])));
    for (long i = by8; i < n; i++) sum = vfma(vload(g + i * LANES), vload(s + i * LANES), sum);  // sum += a[i] * b[i], contracted
    return sum;
}

// Per lane, lenet_avx2_sum(g, n), likewise.
TARGET static VEC NAME(lanewise_sum)(const float *g, long n) {
    const long by16 = n / 16 * 16, by8 = by16 + (n - by16) / 8 * 8;
    VEC total = vset1(-0.0f);
    for (int l = 0; l < 8; l++) {
        VEC acc0 = vzero(), acc1 = vzero();
        for (long i = 0; i < by16; i += 16) {
            acc0 = vadd(acc0, vload(g + (i + l) * LANES));
            acc1 = vadd(acc1, vload(g + (i + 8 + l) * LANES));
        }
        if (by8 > by16) acc0 = vadd(acc0, vload(g + (by16 + l) * LANES));
        total = vadd(total, vadd(acc0, acc1));
    }
    for (long i = by8; i < n; i++) total = vadd(total, vload(g + i * LANES));
    return total;
}

// dIn at the four inputs: g · w (subsampling), g · 1/4 (average), g at the first maximal input
// and +0 at the others (max); through inActivation when given (see input_gradient_block).
// Subsampling: dw[c] += Σ g · s and db[c] += Σ g, map by map and sample after sample as
// lenet_avx2_subsampling_backward adds them (s: the 4-input sum; that kernel takes it as
// 1 · s + 0, the same value but for -0, which adds nothing here).
TARGET static void NAME(pool_backward)(const lenet_lanes_layer *layer, long count, const float *in, const float *out,
                                       const float *dOut, float *dW, float *dBias, const lenet_activation *inActivation,
                                       float *dIn) {
    const long C = layer->inC, oh = layer->inH / 2, ow = layer->inW / 2, W = layer->inW, units = oh * ow;
    float *sums = layer->kind == LENET_LANES_SUBSAMPLING ? thread_scratch((size_t)units * LANES) : NULL;
    for (long c = 0; c < C; c++) {
        const VEC w = layer->kind == LENET_LANES_SUBSAMPLING ? vset1(layer->weights[c]) : vset1(0.25f);
        for (long y = 0; y < oh; y++) {
            for (long x = 0; x < ow; x++) {
                const long at = ((c * oh + y) * ow + x) * LANES;
                const VEC g = vload(dOut + at);
                QUAD(in, layer->inH, W, c, y, x)
                if (sums) vstore(sums + (y * ow + x) * LANES, vadd(vadd(vadd(a, b), cc), d));
                if (dIn == NULL) continue;
                VEC da, db, dc, dd;
                if (layer->kind == LENET_LANES_MAX_POOLING) {
                    const VEC m = vload(out + at);
                    const MASK fa = vequal(a, m), fb = vfirst(fa, vequal(b, m)), ab = vor(fa, fb);
                    const MASK fc = vfirst(ab, vequal(cc, m)), taken = vor(ab, fc);
                    da = vtake(fa, g); db = vtake(fb, g); dc = vtake(fc, g); dd = vleave(taken, g);
                } else {
                    da = db = dc = dd = vmul(g, w);
                }
                if (inActivation) {
                    da = vgradient(a, da, inActivation); db = vgradient(b, db, inActivation);
                    dc = vgradient(cc, dc, inActivation); dd = vgradient(d, dd, inActivation);
                }
                float *d0 = dIn + (r0 - in), *d1 = dIn + (r1 - in);
                vstore(d0, da); vstore(d0 + LANES, db); vstore(d1, dc); vstore(d1 + LANES, dd);
            }
        }
        if (sums == NULL) continue;
        float dot[LANES] __attribute__((aligned(64))), sum[LANES] __attribute__((aligned(64)));
        vstore(dot, NAME(lanewise_dot)(dOut + c * units * LANES, sums, units));
        vstore(sum, NAME(lanewise_sum)(dOut + c * units * LANES, units));
        for (long s = 0; s < count; s++) {
            dW[c] += dot[s];
            dBias[c] += sum[s];
        }
    }
}

// One group forward.
TARGET static void NAME(layer_forward)(const lenet_lanes_layer *layer, const float *in, float *out) {
    if (layer->kind == LENET_LANES_CONVOLUTION)
        NAME(forward_lanes)(layer->inC, layer->outC, layer->inH, layer->inW, layer->k, in, layer->weights, layer->bias,
                            layer->connected, layer->activates ? &layer->activation : NULL, out);
    else
        NAME(pool_forward)(layer, in, out);
}

// One group backward, from dE/da.
TARGET static void NAME(layer_backward)(const lenet_lanes_layer *layer, long count, const float *in, const float *out,
                                        const float *dOut, float *dW, float *dBias, const lenet_activation *inActivation,
                                        float *dIn) {
    if (layer->kind == LENET_LANES_CONVOLUTION)
        NAME(backward_lanes)(layer->inC, layer->outC, layer->inH, layer->inW, layer->k, in, layer->weights, layer->connected,
                             dOut, dW, dBias, inActivation, dIn);
    else
        NAME(pool_backward)(layer, count, in, out, dOut, dW, dBias, inActivation, dIn);
}

#undef QUAD
