namespace Tollgate.ApiHost;

/// <summary>How the API host reaches its grains (configuration <c>ApiHost:Mode</c>).</summary>
public enum ApiHostMode
{
    /// <summary>An in-process silo: one process, no network hop. The default.</summary>
    Embedded,

    /// <summary>A client of the silos of <c>Cluster:ClusterId</c>; this process hosts no grains.</summary>
    Cluster,
}
