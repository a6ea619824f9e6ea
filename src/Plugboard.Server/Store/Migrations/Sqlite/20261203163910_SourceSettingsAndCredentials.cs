using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plugboard.Server.Store.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SettingsJson",
                table: "sources",
                type: "TEXT",
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
