namespace Tollgate.ApiHost.Http;

internal static class JsonNull
{
    /// <summary>A 200 whose body is the JSON literal <c>null</c>: better-auth's answer for "nothing" (no session, no active organization).</summary>
    public static IResult Result() => TypedResults.Text("null", "application/json");
}
