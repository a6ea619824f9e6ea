// The tests start real processes on a small shared machine: one at a time keeps them independent.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
