using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plugboard.Server.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeasesAndWorkloadResources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ResourcesJson",
                table: "installations",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "leases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Fence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leases", x => x.Name);
                });

            // Live events across replicas: the store announces each new event's id when its transaction commits
            // (Events/EventNotifications.cs listens).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION plugboard_notify_event() RETURNS trigger AS $$
                BEGIN
                    PERFORM pg_notify('plugboard_events', NEW."Id"::text);
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION plugboard_notify_event();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS events_notify ON events; DROP FUNCTION IF EXISTS plugboard_notify_event();");

            migrationBuilder.DropTable(
                name: "leases");

            migrationBuilder.DropColumn(
                name: "ResourcesJson",
                table: "installations");
        }
    }
}
