using Tollgate.ApiHost.Http;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Identity;

internal static class SessionIds
{
    /// <summary>
    /// A session named by its token (43 characters, or the signed <c>token.signature</c>) or by its id (what lists
    /// show, since tokens are not stored); the id either way.
    /// </summary>
    public static string? FromTokenOrId(RequestValidation validation, string field, string? value)
    {
        var text = validation.Text(field, value, 128);
        if (text is null)
        {
            return null;
        }

        var token = text.Contains('.') ? text[..text.LastIndexOf('.')] : text;
        if (SessionTokens.IsWellFormed(token))
        {
            return SessionTokens.SessionIdOf(SessionTokens.Hash(token));
        }

        return validation.Id(field, text);
    }
}
