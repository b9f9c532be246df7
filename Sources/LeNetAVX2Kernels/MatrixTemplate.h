// The batch matrix kernels for one vector width, included by Matrix.c once per width. The
// includer defines LANES, VEC, TARGET, NAME(f), vloadu vstoreu vfma vbroadcast vzero vhsum,
// vloadfirst(p, n) (the first n < LANES values, zeros after), and the tile sizes FORWARD_B
// (samples per forward tile, rows are 4) and ACCUMULATE_M (rows per multiply-accumulate
// tile, 4 vectors wide); see lenet_avx2_matrix_forward and lenet_avx2_multiply_accumulate.

// Y[b0.., r0..] for R rows and B samples (constants after inlining): R * B dot products of
// length `columns` side by side, so each weight vector loaded feeds B FMAs and each input vector
// R. The last partial vector is read through a mask (zeros beyond the end).
TARGET INLINE void NAME(forward_tile)(
    int R, int B, long r0, long b0, long rows, long columns,
    const float *weights, const float *bias, const float *input, float *output
) {
    VEC acc[4][FORWARD_B];
    for (int r = 0; r < R; r++) for (int b = 0; b < B; b++) acc[r][b] = vzero();
    long c = 0;
    for (; c + LANES <= columns; c += LANES) {
        VEC x[FORWARD_B];
        for (int b = 0; b < B; b++) x[b] = vloadu(input + (b0 + b) * columns + c);
        for (int r = 0; r < R; r++) {
            const VEC w = vloadu(weights + (r0 + r) * columns + c);
            for (int b = 0; b < B; b++) acc[r][b] = vfma(w, x[b], acc[r][b]);
        }
    }
    if (c < columns) {
        VEC x[FORWARD_B];
        for (int b = 0; b < B; b++) x[b] = vloadfirst(input + (b0 + b) * columns + c, columns - c);
        for (int r = 0; r < R; r++) {
            const VEC w = vloadfirst(weights + (r0 + r) * columns + c, columns - c);
            for (int b = 0; b < B; b++) acc[r][b] = vfma(w, x[b], acc[r][b]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int b = 0; b < B; b++)
            output[(b0 + b) * rows + r0 + r] = vhsum(acc[r][b]) + (bias ? bias[r0 + r] : 0);
}

TARGET static void NAME(matrix_forward)(
    long rows, long columns, long batch,
    const float *weights, const float *bias, const float *input, float *output
) {
    // A block of rows across every sample before the next block: its weights are read from L2
    // once per call, not once per FORWARD_B samples (C5's 192 KB did not stay in L1).
    long r0 = 0;
    #define T4(BB) NAME(forward_tile)(4, BB, r0, b0, rows, columns, weights, bias, input, output)
    #define T1(BB) NAME(forward_tile)(1, BB, r0, b0, rows, columns, weights, bias, input, output)
    #define EVERY_SAMPLE(T) \
        for (long b0 = 0; b0 < batch; b0 += FORWARD_B) { SWITCH_COUNT(batch - b0 >= FORWARD_B ? FORWARD_B : batch - b0, FORWARD_B, T) }
    for (; r0 + 4 <= rows; r0 += 4) EVERY_SAMPLE(T4)
    for (; r0 < rows; r0++) EVERY_SAMPLE(T1)
    #undef T4
    #undef T1
    #undef EVERY_SAMPLE
}

// C[m0.., n0..] += sum_k A(m, k) * Bm[k, n] for M rows and V vectors of LANES columns: M * V
// accumulators stay in registers through all K; per k, V loads and M broadcasts feed M * V FMAs.
TARGET INLINE void NAME(accumulate_tile)(
    int M, int V, long m0, long n0, long N, long K,
    const float *a, long strideM, long strideK, const float *bm, float *c
) {
    VEC acc[ACCUMULATE_M][4];
    for (int m = 0; m < M; m++)
        for (int v = 0; v < V; v++) acc[m][v] = vloadu(c + (m0 + m) * N + n0 + LANES * v);
    for (long k = 0; k < K; k++) {
        VEC bv[4];
        for (int v = 0; v < V; v++) bv[v] = vloadu(bm + k * N + n0 + LANES * v);
        for (int m = 0; m < M; m++) {
            const VEC av = vbroadcast(a + (m0 + m) * strideM + k * strideK);
            for (int v = 0; v < V; v++) acc[m][v] = vfma(av, bv[v], acc[m][v]);
        }
    }
    for (int m = 0; m < M; m++)
        for (int v = 0; v < V; v++) vstoreu(c + (m0 + m) * N + n0 + LANES * v, acc[m][v]);
}

TARGET static void NAME(multiply_accumulate)(
    long M, long N, long K, const float *a, long strideM, long strideK, const float *b, float *c
) {
    // A panel of columns across every row of A before the next panel: for dX = G W its K x 4
    // vectors of W (C5: 120 x 64 floats) stay in L1 for all the samples.
    const long vectors = N / LANES;
    long v = 0;
    #define T4(RR) NAME(accumulate_tile)(RR, 4, m0, LANES * v, N, K, a, strideM, strideK, b, c)
    #define T1(RR) NAME(accumulate_tile)(RR, 1, m0, LANES * v, N, K, a, strideM, strideK, b, c)
    #define ROWS_LEFT (M - m0 >= ACCUMULATE_M ? ACCUMULATE_M : M - m0)
    for (; v + 4 <= vectors; v += 4)
        for (long m0 = 0; m0 < M; m0 += ACCUMULATE_M) { SWITCH_COUNT(ROWS_LEFT, ACCUMULATE_M, T4) }
    for (; v < vectors; v++)
        for (long m0 = 0; m0 < M; m0 += ACCUMULATE_M) { SWITCH_COUNT(ROWS_LEFT, ACCUMULATE_M, T1) }
    #undef T4
    #undef T1
    #undef ROWS_LEFT
    long tail = LANES * vectors;
#if LANES == 16
    // Eight more columns in 8-lane vectors (F6's 120 are 7 x 16 + 8), a row at a time.
    if (N - tail >= 8) {
        for (long m = 0; m < M; m++) accumulate_tile_8(1, 1, m, tail, N, K, a, strideM, strideK, b, c);
        tail += 8;
    }
#endif
    // Columns past the last whole vector, one at a time.
    for (long m = 0; m < M; m++) {
        for (long n = tail; n < N; n++) {
            float sum = c[m * N + n];
            for (long k = 0; k < K; k++) sum += a[m * strideM + k * strideK] * b[k * N + n];
            c[m * N + n] = sum;
        }
    }
}
