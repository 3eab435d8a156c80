using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>Every test of this assembly shares one cluster, one test at a time (the elastic scenario changes its silos).</summary>
[CollectionDefinition(Name)]
public sealed class LoadTestCollection : ICollectionFixture<LoadTestCluster>
{
    public const string Name = "load-test-cluster";
}
