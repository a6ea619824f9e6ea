using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plugboard.Server.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ManagedHosts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "tokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "managed_host_reports",
                columns: table => new
                {
                    HostName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    InstallationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Phase = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<string>(type: "TEXT", nullable: true),
                    Generation = table.Column<long>(type: "INTEGER", nullable: false),
                    MetadataJson = table.Column<string>(type: "TEXT", nullable: true),
                    VerifyReady = table.Column<bool>(type: "INTEGER", nullable: true),
                    VerifyReason = table.Column<string>(type: "TEXT", nullable: true),
                    Healthy = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    ReportedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_managed_host_reports", x => new { x.HostName, x.InstallationId });
                });

            migrationBuilder.CreateTable(
                name: "managed_hosts",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", nullable: false),
                    TokenId = table.Column<string>(type: "TEXT", nullable: false),
                    Runtimes = table.Column<string>(type: "TEXT", nullable: false),
                    Contracts = table.Column<string>(type: "TEXT", nullable: false),
                    PlugboardVersion = table.Column<string>(type: "TEXT", nullable: true),
                    RegisteredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastContactAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_managed_hosts", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_managed_host_reports_InstallationId",
                table: "managed_host_reports",
                column: "InstallationId");

            migrationBuilder.CreateIndex(
                name: "IX_managed_hosts_Scope",
                table: "managed_hosts",
                column: "Scope");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "managed_host_reports");

            migrationBuilder.DropTable(
                name: "managed_hosts");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "tokens");
        }
    }
}
