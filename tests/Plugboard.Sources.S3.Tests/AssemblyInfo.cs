// Tests in this assembly share one s3rver per collection; they run one after the other within it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
