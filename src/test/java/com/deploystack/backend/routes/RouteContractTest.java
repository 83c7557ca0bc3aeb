package com.deploystack.backend.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.ServiceConfig;
import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.SelectionFile;
import com.deploystack.backend.jobs.JobSettings;
import com.deploystack.backend.jobs.Jobs;
import com.deploystack.backend.plugins.Plugins;
import com.deploystack.backend.plugins.ServiceEvents;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.settings.EncryptionKeys;
import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.settings.GlobalSettings;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * The HTTP contract of every route, in memory with Helidon's own test server and no database: the service
 * unconfigured (no {@code POSTGRES_*} variable, the embedded server off) answers status, setup, the page, the
 * management routes and unknown paths in its JSON shapes, with their headers.
 */
@ServerTest
class RouteContractTest {

    private static final String TOKEN = "route-contract-admin-token";

    private final Http1Client client;

    RouteContractTest(Http1Client client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Map<String, String> env = Map.of("POSTGRES_EMBEDDED", "false", "DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        Path data = temporaryDirectory();
        Database database = Database.create(DatabaseConfiguration.read(env, DatabaseSettings.PoolSettings.from(ServiceConfig.of(Map.of()).get("db"))));
        GlobalSettings settings = new GlobalSettings(
                database, new EncryptionKeys(() -> EncryptionSecret.current(env, data)), Duration.ofSeconds(5));
        Plugins plugins = Plugins.load(database, new ServiceEvents(), settings, "", "role", data.resolve("plugins"),
                                       Jobs.create(database, JobSettings.from(ServiceConfig.of(Map.of()))));
        DatabaseInitializer initializer = new DatabaseInitializer(database, new Migrator(Path.of("migrations")),
                                                                  new SelectionFile(data), List.of(plugins.step()));
        Routes.register(routing, new Routes.Context(database, initializer, settings, AdminToken.load(env, data),
                                                    SetupToken.fromEnvironment(env), plugins, 65536, List.of()));
    }

    @Test
    void theStatusSaysUnconfiguredAndNamesTheMissingVariable() {
        try (HttpClientResponse response = client.get("/api/db/status").request()) {
            assertThat(response.status().code(), is(200));
            assertThat(response.headers().first(HeaderNames.CACHE_CONTROL).orElse(""), is("no-store"));
            assertThat(response.headers().first(HeaderNames.X_CONTENT_TYPE_OPTIONS).orElse(""), is("nosniff"));
            JsonObject status = json(response);
            assertThat(status.getBoolean("configured"), is(false));
            assertThat(status.getString("phase"), is("UNCONFIGURED"));
            assertThat(status.getJsonArray("missing").getString(0), is("POSTGRES_PASSWORD"));
        }
    }

    @Test
    void setupWithoutConfigurationIs400NamingTheVariable() {
        try (HttpClientResponse response = client.post("/api/db/setup")
                .header(HeaderNames.CONTENT_TYPE, "application/json").submit("{\"type\":\"postgresql\"}")) {
            assertThat(response.status().code(), is(400));
            JsonObject body = json(response);
            assertThat(body.getString("error"), containsString("POSTGRES_PASSWORD"));
            assertThat(body.getJsonObject("details").getJsonArray("missing").getString(0), is("POSTGRES_PASSWORD"));
        }
    }

    @Test
    void managementRoutesNeedTheTokenAndThenSayTheDatabaseIsNotAvailableInTheEnvelope() {
        try (HttpClientResponse response = client.get("/api/teams/t1").request()) {
            assertThat(response.status().code(), is(401));
            assertThat(json(response).getBoolean("success"), is(false));
        }
        try (HttpClientResponse response = client.get("/api/teams/t1")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN).request()) {
            assertThat(response.status().code(), is(503));
            JsonObject body = json(response);
            assertThat(body.getBoolean("success"), is(false));
            assertThat(body.getString("error"), is("Database not available. Please complete the setup process at /setup first."));
        }
    }

    @Test
    void unknownPathsAre404AndOtherMethods405WithAllowInJson() {
        try (HttpClientResponse response = client.get("/api/nothing-here").request()) {
            assertThat(response.status().code(), is(404));
            assertThat(json(response).containsKey("error"), is(true));
        }
        try (HttpClientResponse response = client.method(Method.DELETE).path("/api/db/status").request()) {
            assertThat(response.status().code(), is(405));
            assertThat(response.headers().first(HeaderNames.ALLOW).orElse(""), containsString("GET"));
            assertThat(json(response).containsKey("error"), is(true));
        }
        try (HttpClientResponse response = client.method(Method.OPTIONS).path("/api/db/setup").request()) {
            assertThat(response.status().code(), is(204));
            assertThat(response.headers().first(HeaderNames.ALLOW).orElse(""), containsString("POST"));
        }
    }

    @Test
    void theWizardPageAnswersGetAndHeadAndTheCompatibilityHealthIsOk() {
        try (HttpClientResponse response = client.get("/setup").request()) {
            assertThat(response.status().code(), is(200));
            assertThat(response.headers().first(HeaderNames.CONTENT_TYPE).orElse(""), containsString("text/html"));
            assertThat(response.as(String.class), containsString("Setup"));
        }
        try (HttpClientResponse response = client.head("/setup").request()) {
            assertThat(response.status().code(), is(200));
        }
        try (HttpClientResponse response = client.get("/api/health").request()) {
            assertThat(response.as(String.class), is("{\"status\":\"ok\"}"));
        }
    }

    private static JsonObject json(HttpClientResponse response) {
        return JsonFactory.reader(response.inputStream()).readObject();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("route-contract");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
