package com.deploystack.backend.plugins;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * A plugin role's password on a PostgreSQL that checks passwords (SCRAM): set when setup creates the role, left
 * alone by every later start (no verifier computed, no catalog write), and set again when PostgreSQL refuses it,
 * as after the service's own password changed.
 */
class PluginRolePasswordTest {

    private static final String TOKEN = "plugin-password-test-token";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    @Test
    void theRolesPasswordIsSetAtSetupKeptAtRestartsAndSetAgainWhenPostgresRefusesIt() {
        try (StoppablePostgres postgres = new StoppablePostgres()) {
            postgres.checkPasswords();
            Map<String, String> env = postgres.environment();
            env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
            String role = PluginNames.role("deploystack", "audit");
            String verifier = "SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'";

            try (TestService service = start(env)) {
                assertThat(service.setup().body(), containsString("\"restart_required\":false"));
                awaitPluginServing(service);
            }
            String set = postgres.query(verifier);
            assertThat(set, startsWith("SCRAM-SHA-256$"));

            try (TestService service = start(env)) {
                awaitPluginServing(service);
            }
            assertThat("a restart leaves the password as it was", postgres.query(verifier), is(set));

            postgres.query("ALTER ROLE " + role + " PASSWORD 'not-the-one-derived-from-the-service-0123'");
            String foreign = postgres.query(verifier);
            try (TestService service = start(env)) {
                awaitPluginServing(service);
                assertThat(service.status().getJsonObject("plugins").getJsonObject("unavailable").size(), is(0));
            }
            assertThat(TestService.logs(), hasItem(containsString("PostgreSQL refused the password of its role "
                                                                  + role)));
            assertThat("set again from the service's password", postgres.query(verifier), not(is(foreign)));
        }
    }

    private TestService start(Map<String, String> env) {
        return TestService.start(env, data, Path.of("migrations"),
                                 Map.of("plugins.enabled", "audit", "plugins.isolation", "role"));
    }

    /** Waits until the audit plugin answers its listing, which it reads through a login as its own role. */
    private static void awaitPluginServing(TestService service) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        TestService.Response events = service.request("GET", "/api/plugin/audit/events", null,
                                                      "Authorization", "Bearer " + TOKEN);
        while (events.status() != 200 && System.nanoTime() < deadline) {
            TestService.sleep(50);
            events = service.request("GET", "/api/plugin/audit/events", null, "Authorization", "Bearer " + TOKEN);
        }
        assertThat(events.body(), events.status(), is(200));
    }
}
