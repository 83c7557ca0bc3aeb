package com.deploystack.backend.routes;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** {@code DEPLOYSTACK_SETUP_TOKEN}: opt-in protection of {@code POST /api/db/setup}. */
class SetupTokenTest {

    private static final String TOKEN = "correct-horse-battery-staple-7f3a";
    private static final String OPEN_WARNING = "DEPLOYSTACK_SETUP_TOKEN is not set: anyone who can reach this"
                                               + " service's port can perform the database setup";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;
    private TestService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private void start(Map<String, String> extraEnv) {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("token")));
        env.putAll(extraEnv);
        service = TestService.start(env, data);
        service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
    }

    @Test
    void withoutTheTokenSetupIsOpenAndTheStartLogsOneWarningSayingSo() {
        long warningsBefore = openWarnings();
        start(Map.of());
        assertThat(openWarnings() - warningsBefore, is(1L));
        assertThat(service.status().getBoolean("setup_token_required"), is(false));
        assertThat(service.setup().status(), is(200));
    }

    @Test
    void withTheTokenStatusSaysItIsRequiredAndNoWarningIsLogged() {
        long warningsBefore = openWarnings();
        start(Map.of("DEPLOYSTACK_SETUP_TOKEN", TOKEN));
        assertThat(openWarnings(), is(warningsBefore));
        assertThat(service.status().getBoolean("setup_token_required"), is(true));
    }

    @Test
    void aMissingAuthorizationHeaderAnswers401AndSetsNothingUp() throws Exception {
        start(Map.of("DEPLOYSTACK_SETUP_TOKEN", TOKEN));
        HttpResponse<String> response = setup(null);
        assertThat(response.statusCode(), is(401));
        assertThat(response.headers().firstValue("Content-Type").orElse(""), startsWith("application/json"));
        assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""), is("Bearer"));
        assertThat(json(response).getString("error"), containsString("Authorization: Bearer <token>"));
        assertThat(service.status().getBoolean("initialized"), is(false));
        assertThat(Files.exists(data.resolve("db.selection.json")), is(false));
    }

    @Test
    void aWrongTokenOrAnotherSchemeAnswers401() throws Exception {
        start(Map.of("DEPLOYSTACK_SETUP_TOKEN", TOKEN));
        for (String authorization : List.of("Bearer wrong", "Bearer " + TOKEN + "x", "Bearer ", "Basic " + TOKEN)) {
            HttpResponse<String> response = setup(authorization);
            assertThat(authorization, response.statusCode(), is(401));
            assertThat(json(response).keySet(), is(Set.of("error")));
        }
        assertThat(json(setup("Bearer wrong")).getString("error"), is("The setup token is not valid."));
        assertThat(service.status().getBoolean("initialized"), is(false));
    }

    @Test
    void theRightTokenPerformsSetupAndIsNeverLoggedOrAnswered() throws Exception {
        start(Map.of("DEPLOYSTACK_SETUP_TOKEN", TOKEN));
        HttpResponse<String> response = setup("Bearer " + TOKEN);
        assertThat(response.statusCode(), is(200));
        assertThat(json(response).getString("message"), is(DatabaseHandlers.SETUP_SUCCESSFUL));
        assertThat(service.status().getBoolean("initialized"), is(true));
        assertThat(setup("bearer " + TOKEN).statusCode(), is(409));
        assertThat(service.get("/api/db/status").body(), not(containsString(TOKEN)));
        assertThat(TestService.logs(), everyItem(not(containsString(TOKEN))));
    }

    private HttpResponse<String> setup(String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.application().port() + "/api/db/setup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"postgresql\"}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static long openWarnings() {
        return TestService.logs().stream().filter(line -> line.contains(OPEN_WARNING)).count();
    }
}
