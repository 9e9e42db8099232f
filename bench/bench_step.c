/* bench_step.c -- wall time and memory of simulating one training step at scale:
 * GPT-3 175B on 1,024 H100 and Llama 3 405B on 16,384 H100. Targets on one core:
 * at most 2 s and 10 s, and at most 1 KB of dynamic state per simulated GPU: the
 * peak of the heap bytes the simulator's own code holds during the run, over the
 * GPUs (its allocation calls are counted through the linker's --wrap, see the
 * Makefile; exact and the same from run to run). Peak resident memory grown during
 * the run is printed beside it (it moves by a few hundred KB between identical
 * runs: the kernel syncs its resident-page counters lazily). */
#include "scenarios/scenario.h"
#include "sim/run.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The heap the simulator holds: each allocation and free of its own code (this
 * program's objects; the linker sends their calls here) counted by its usable size.
 * Memory the shared libraries allocate for themselves (libxml2 while the scenario
 * loads) is not counted. */
static int64_t heap_now_bytes, heap_peak_bytes;

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
void __wrap_free(void *p);

static void *heap_note(void *p)
{
	if (p) {
		heap_now_bytes += (int64_t)malloc_usable_size(p);
		if (heap_now_bytes > heap_peak_bytes)
			heap_peak_bytes = heap_now_bytes;
	}
	return p;
}

void *__wrap_malloc(size_t n)
{
	return heap_note(__real_malloc(n));
}

void *__wrap_calloc(size_t k, size_t n)
{
	return heap_note(__real_calloc(k, n));
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	return heap_note(__real_aligned_alloc(align, n));
}

void *__wrap_realloc(void *p, size_t n)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q = __real_realloc(p, n);
	if (q || n == 0)
		heap_now_bytes -= (int64_t)old;
	return heap_note(q);
}

void __wrap_free(void *p)
{
	if (p)
		heap_now_bytes -= (int64_t)malloc_usable_size(p);
	__real_free(p);
}

static int bench(const char *path, double target_s, int unfold)
{
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(path, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "bench_step: %s\n", err);
		return 1;
	}
	run_results *r = calloc(1, sizeof *r);
	r->unfold_planes = unfold;
	long before = peak_rss_kb();
	int64_t heap_before = heap_now_bytes;
	heap_peak_bytes = heap_now_bytes;
	double t0 = now_s();
	int rc = run_scenario(sc, r, err, sizeof err);
	double wall = now_s() - t0;
	long after = peak_rss_kb();
	int64_t heap_grown = heap_peak_bytes - heap_before;
	if (rc != 0) {
		fprintf(stderr, "bench_step: %s\n", err);
		free(r);
		scenario_free(sc);
		return 1;
	}
	int gpus = r->training.gpus;
	double per_gpu = (double)heap_grown / gpus;
	double rss_per_gpu = (double)(after - before) * 1024.0 / gpus;
	if (unfold)
		printf("(every rail plane's flows, for comparison) ");
	printf("step simulation: %-28s %6d GPUs  wall %.3f s (target <= %.0f s: %s)  "
	       "peak memory %ld MB, heap %.0f B per GPU (target <= 1024: %s; resident growth %.0f)  "
	       "%ld tasks, %llu events, %llu flows, symmetric ranks folded, %d rail planes folded\n",
	       r->scenario, gpus, wall, target_s, wall <= target_s ? "met" : "NOT MET",
	       after / 1024, per_gpu, per_gpu <= 1024 ? "met" : "NOT MET", rss_per_gpu,
	       r->training.tasks, (unsigned long long)r->training.events,
	       (unsigned long long)r->training.flows, r->training.planes_folded);
	free(r);
	scenario_free(sc);
	return 0;
}

/* Runs bench() in a child process, so each figure's peak memory is its own. */
static int bench_apart(const char *path, double target_s, int unfold)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return bench(path, target_s, unfold);
	if (pid == 0) {
		int rc = bench(path, target_s, unfold);
		fflush(stdout);
		_exit(rc);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

int main(void)
{
	/* Each scenario as capsim runs it (rail planes folded where exact), then for
	 * comparison with every plane's flows simulated. */
	int rc = bench_apart(CAPSIM_SRCDIR "/bench/gpt3-175b-1024-h100.xml", 2.0, 0);
	rc |= bench_apart(CAPSIM_SRCDIR "/bench/llama3-405b-16k-h100.xml", 10.0, 0);
	rc |= bench_apart(CAPSIM_SRCDIR "/bench/gpt3-175b-1024-h100.xml", 2.0, 1);
	rc |= bench_apart(CAPSIM_SRCDIR "/bench/llama3-405b-16k-h100.xml", 10.0, 1);
	return rc;
}
