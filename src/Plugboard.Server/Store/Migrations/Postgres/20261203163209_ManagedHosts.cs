using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plugboard.Server.Store.Migrations.Postgres
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
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "managed_host_reports",
                columns: table => new
                {
                    HostName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    InstallationId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Phase = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<string>(type: "text", nullable: true),
                    Generation = table.Column<long>(type: "bigint", nullable: false),
                    MetadataJson = table.Column<string>(type: "text", nullable: true),
                    VerifyReady = table.Column<bool>(type: "boolean", nullable: true),
                    VerifyReason = table.Column<string>(type: "text", nullable: true),
                    Healthy = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    ReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_managed_host_reports", x => new { x.HostName, x.InstallationId });
                });

            migrationBuilder.CreateTable(
                name: "managed_hosts",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Scope = table.Column<string>(type: "text", nullable: false),
                    TokenId = table.Column<string>(type: "text", nullable: false),
                    Runtimes = table.Column<string>(type: "text", nullable: false),
                    Contracts = table.Column<string>(type: "text", nullable: false),
                    PlugboardVersion = table.Column<string>(type: "text", nullable: true),
                    RegisteredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastContactAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
