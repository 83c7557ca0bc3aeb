package com.deploystack.backend.services;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Each service method found and not found: the driver's affected-row count decides. */
class ServicesTest {

    @TempDir
    static Path data;
    private static TestService service;
    private static String database;
    private static DbClient db;

    @BeforeAll
    static void setUp() {
        database = TestPostgres.get().createDatabase("services");
        // no scheduled token sweep: the token tests count what the service methods delete
        service = TestService.start(TestPostgres.get().environment(database), data, Path.of("migrations"),
                                    Map.of("tokens.sweep.interval", "0"));
        assertThat(service.setup().status(), is(200));
        db = service.application().database().client();
    }

    @AfterAll
    static void tearDown() {
        service.close();
    }

    @Test
    void updateTeamNameIsTrueForAnExistingTeamAndFalseOtherwise() {
        TeamService teams = new TeamService(db);
        Team team = teams.create("Platform", "platform", null);
        assertThat(teams.updateTeamName(team.id(), "Platform Team"), is(true));
        assertThat(teams.find(team.id()).orElseThrow().name(), is("Platform Team"));
        assertThat(teams.updateTeamName("no-such-team", "x"), is(false));
        assertThat(teams.delete(team.id()), is(true));
        assertThat(teams.delete(team.id()), is(false));
        assertThat(teams.find(team.id()).isPresent(), is(false));
    }

    @Test
    void deleteInstallationIsScopedToItsTeam() throws Exception {
        TeamService teams = new TeamService(db);
        Team owner = teams.create("Owner", "owner", null);
        Team other = teams.create("Other", "other", null);
        String server = insertServer("filesystem");
        McpInstallationService installations = new McpInstallationService(db);
        Installation installation = installations.install(owner.id(), server, "files", "local", "{\"root\":\"/srv\"}");
        assertThat(installations.list(owner.id()).getFirst().configuration(), is("{\"root\": \"/srv\"}"));

        assertThat(installations.deleteInstallation(installation.id(), other.id()), is(false));
        assertThat(installations.deleteInstallation(installation.id(), owner.id()), is(true));
        assertThat(installations.deleteInstallation(installation.id(), owner.id()), is(false));
        assertThat(installations.list(owner.id()), is(List.of()));
    }

    @Test
    void revokeExpiredTokensDeletesOnlyTokensWhoseTimestampPassed() throws Exception {
        TestPostgres.get().insertAccessTokens(database, "-1 hour", "-1 second", "1 hour");
        TokenService tokens = new TokenService(db);
        assertThat(tokens.revokeExpiredTokens(), is(2));
        assertThat(tokens.revokeExpiredTokens(), is(0));
        assertThat(db.execute().get("SELECT token_hash FROM oauth_access_tokens").orElseThrow()
                           .column("token_hash").getString(), is("h3"));
    }

    @Test
    void projectsAreCreatedAndListedInCreationOrder() {
        ProjectService projects = new ProjectService(db);
        Project first = projects.create("first");
        Project second = projects.create("second");
        List<Project> listed = projects.list(100);
        assertThat(listed.stream().map(Project::id).toList().subList(listed.size() - 2, listed.size()),
                   is(List.of(first.id(), second.id())));
        assertThat(projects.list(1).size(), is(1));
    }

    static String insertServer(String slug) throws Exception {
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO mcp_servers (id, name, slug) VALUES ('" + slug + "', '" + slug + "', '"
                              + slug + "')");
        }
        return slug;
    }
}
