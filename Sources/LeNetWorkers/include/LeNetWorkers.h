// A fixed pool of worker threads for the chunks of a batch.
#ifndef LENET_WORKERS_H
#define LENET_WORKERS_H

/// One piece of work: index in 0 ..< count.
typedef void (*lenet_job)(void *context, long index);

/// Runs job(context, i) for every i in 0 ..< count, on the calling thread and the pool's
/// workers (one per other core), and returns when all have finished. Indices are handed out
/// one at a time, so which thread runs which index varies; callers make results independent
/// of that. A call made while another is running (from a job, or another thread) runs its
/// indices on the calling thread alone.
void lenet_parallel_for(long count, lenet_job job, void *context);

#endif
