using Xunit;

// Tests assert global counts (tasks, task threads) are back where they were after each test
// (NetTest), which only holds when tests do not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
