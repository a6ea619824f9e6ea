// One browser and one center at a time: the machine is small and shared, and the classes' centers are independent.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
