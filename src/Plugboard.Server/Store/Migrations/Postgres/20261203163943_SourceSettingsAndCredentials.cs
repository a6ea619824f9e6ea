using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plugboard.Server.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SourceSettingsAndCredentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SealedCredentialsJson",
                table: "sources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SettingsJson",
                table: "sources",
                type: "text",
                nullable: false,
                defaultValue: "{}");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SealedCredentialsJson",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "SettingsJson",
                table: "sources");
        }
    }
}
