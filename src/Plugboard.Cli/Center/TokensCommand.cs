using System.CommandLine;
using Plugboard.Cli.Console;
using Plugboard.Server.Access;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard tokens create|list|revoke</c>: the center's API tokens (an admin's business).</summary>
internal static class TokensCommand
{
    /// <summary>What POST /api/v1/tokens answers: the token itself, this once.</summary>
    private sealed record CreatedToken(string Id, string Name, string Role, DateTimeOffset CreatedAt, string Token, string? Scope = null);

    public static Command Create(CliContext context)
    {
        var command = new Command("tokens", "The plugin center's API tokens: create (the token is shown once), list, revoke. Needs an admin token.");
        command.Add(CreateToken(context));
        command.Add(List(context));
        command.Add(Revoke(context));
        return command;
    }

    private static Command CreateToken(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "Whose token it is; the actor of every change made with it." };
        var role = new Option<string>("--role")
        {
            Description = "admin (every change), viewer (reads only) or host (a managed host: reads its scope's installations, secrets included, and reports).",
            HelpName = "ROLE",
            DefaultValueFactory = _ => Roles.Viewer,
        };
        role.AcceptOnlyFromAmong(Roles.Admin, Roles.Viewer, Roles.Host);
        var scope = new Option<string?>("--scope") { Description = "For --role host (required there): the one scope whose installations the host runs.", HelpName = "SCOPE" };
        var command = new Command("create", "Create a token; it is printed once, and the center keeps only its hash.") { name, role, scope };
        command.Validators.Add(result =>
        {
            var isHost = result.GetValue(role) == Roles.Host;
            if (isHost && string.IsNullOrWhiteSpace(result.GetValue(scope)))
            {
                result.AddError("--role host needs --scope SCOPE: the scope whose installations the managed host runs.");
            }
            else if (!isHost && result.GetValue(scope) is not null)
            {
                result.AddError("--scope is only for --role host; admin and viewer tokens see every scope.");
            }
        });
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var request = new Plugboard.Server.Api.TokensApi.CreateTokenRequest(parse.GetRequiredValue(name), parse.GetValue(role), parse.GetValue(scope));
            var reply = await client.PostAsync<CreatedToken>("api/v1/tokens", request, cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
                return ExitCodes.Success;
            }

            var token = reply.Value;
            var bound = token.Scope is null ? string.Empty : $" (scope '{token.Scope}')";
            context.Console.Out.WriteLine($"Created {token.Role} token {token.Id} for {token.Name}{bound}. The token (shown this once; store it now):");
            context.Console.Out.WriteLine(token.Token);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var command = new Command("list", "List the tokens (never the tokens themselves), revoked ones included.");
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var reply = await client.GetAsync<List<AccessTokens.TokenInfo>>("api/v1/tokens", cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
                return ExitCodes.Success;
            }

            CenterOutput.Table(context, ["id", "name", "role", "scope", "created", "by", "revoked"], reply.Value.Select(t => (IReadOnlyList<string?>)
            [
                t.Id, t.Name, t.Role, t.Scope ?? "-", CenterOutput.Time(t.CreatedAt), t.CreatedBy, t.RevokedAt is null ? "-" : CenterOutput.Time(t.RevokedAt),
            ]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var id = new Argument<string>("ID") { Description = "The token id (tok_…; 'plugboard tokens list' shows them)." };
        var command = new Command("revoke", "Revoke a token: it stops working at once.") { id };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var reply = await client.DeleteAsync<AccessTokens.TokenInfo>($"api/v1/tokens/{CenterClient.Escape(parse.GetRequiredValue(id))}", null, cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
            }
            else
            {
                context.Console.Out.WriteLine($"Revoked token {reply.Value.Id} of {reply.Value.Name} ({reply.Value.Role}) at {CenterOutput.Time(reply.Value.RevokedAt)}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
