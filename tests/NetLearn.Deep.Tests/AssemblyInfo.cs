// libtorch has one global random generator per process: a test that seeds it (manual_seed) and then draws from it
// must not interleave with another test drawing at the same time, so the tests of this assembly run one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
