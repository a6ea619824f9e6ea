using System.CommandLine;
using Plugboard.Cli.Console;
using Plugboard.Server.Access;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard tokens create|list|revoke</c>: the center's API tokens (an admin's business).</summary>
internal static class TokensCommand
{
    /// <summary>What POST /api/v1/tokens answers: the token itself, this once.</summary>
    private sealed record CreatedToken(string Id, string Name, string Role, DateTimeOffset CreatedAt, string Token);

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
        var role = new Option<string>("--role") { Description = "admin (every change) or viewer (reads only).", HelpName = "ROLE", DefaultValueFactory = _ => Roles.Viewer };
        role.AcceptOnlyFromAmong(Roles.Admin, Roles.Viewer);
        var command = new Command("create", "Create a token; it is printed once, and the center keeps only its hash.") { name, role };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var reply = await client.PostAsync<CreatedToken>("api/v1/tokens", new Plugboard.Server.Api.TokensApi.CreateTokenRequest(parse.GetRequiredValue(name), parse.GetValue(role)), cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
                return ExitCodes.Success;
            }

            var token = reply.Value;
            context.Console.Out.WriteLine($"Created {token.Role} token {token.Id} for {token.Name}. The token (shown this once; store it now):");
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

            CenterOutput.Table(context, ["id", "name", "role", "created", "by", "revoked"], reply.Value.Select(t => (IReadOnlyList<string?>)
            [
                t.Id, t.Name, t.Role, CenterOutput.Time(t.CreatedAt), t.CreatedBy, t.RevokedAt is null ? "-" : CenterOutput.Time(t.RevokedAt),
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
