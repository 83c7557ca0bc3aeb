package com.deploystack.backend.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.deploystack.backend.support.HeadlessChromium;
import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * The setup wizard at {@code /setup} in Debian's headless Chromium against the real service and PostgreSQL.
 * Every state is saved as a screenshot under {@code target/screenshots/}.
 */
@Tag("browser")
class SetupWizardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "wizard-token-4d1c9e";

    @TempDir
    Path data;
    private HeadlessChromium browser;
    private TestService service;

    @BeforeAll
    static void browserIsInstalled() {
        HeadlessChromium.requireInstalled();
    }

    @BeforeEach
    void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        browser.close();
        if (service != null) {
            service.close();
        }
    }

    @Test
    void unconfiguredPageListsTheMissingVariables() {
        service = TestService.start(Map.of("POSTGRES_HOST", "db.example.internal"), data);
        openSetupPage();
        assertThat(browser.visible("unconfigured-title").getText(), is("Environment Variables Required"));
        List<String> missing = browser.driver().findElements(By.cssSelector("#missing-variables li")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(missing, is(List.of("POSTGRES_PASSWORD")));
        assertThat(browser.displayed("configure"), is(false));
        assertThat(announced(), containsString("POSTGRES_PASSWORD"));
        browser.screenshot("unconfigured");
        assertThat(browser.consoleErrors(), is(empty()));
    }

    @Test
    void setupWithTheKeyboardShowsSettingUpAndTheStepThenSuccessAndAReloadSaysAlreadyConfigured(
            @TempDir Path migrations) throws Exception {
        try (SetupGate gate = startServiceWithGatedSetup(migrations)) {
            openSetupPage();
            assertThat(browser.visible("configure-title").getText(), is("Database Configuration"));
            assertThat(browser.driver().findElement(By.id("configure")).getText(),
                       containsString("Configure PostgreSQL for your DeployStack instance"));
            assertThat(browser.displayed("token-field"), is(false));
            browser.screenshot("configured");

            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            WebElement button = browser.driver().switchTo().activeElement();
            assertThat(button.getAttribute("id"), is("setup-button"));
            assertThat(button.getText(), is("Setup Database"));
            button.sendKeys(Keys.ENTER);

            browser.awaitText("progress", "Applying database migrations");
            assertThat(button.getText(), is("Setting up..."));
            assertThat(button.isEnabled(), is(false));
            assertThat(service.status().getString("step"), is("migrations"));
            browser.screenshot("setting-up");
            gate.release();
        }

        assertThat(browser.visible("success-title").getText(), is("Setup Successful"));
        assertThat(browser.driver().findElement(By.id("success")).getText(), containsString("Next steps"));
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id"), is("success-title"));
        assertThat(announced(), containsString("Setup Successful"));
        browser.screenshot("success");

        browser.driver().navigate().refresh();
        assertThat(browser.visible("initialized-title").getText(), is("Already Configured"));
        assertThat(browser.displayed("configure"), is(false));
        browser.screenshot("already-configured");
        assertThat(browser.consoleErrors(), is(empty()));
    }

    @Test
    void aPageOpenedWhileSetupRunsElsewhereFollowsItsStepsUntilItEnds(@TempDir Path migrations) throws Exception {
        try (SetupGate gate = startServiceWithGatedSetup(migrations)) {
            Thread otherSetup = Thread.ofVirtual().start(service::setup);
            service.awaitPhase("INITIALIZING", WAIT);
            openSetupPage();
            browser.awaitText("progress", "Applying database migrations");
            WebElement button = browser.driver().findElement(By.id("setup-button"));
            assertThat(button.getText(), is("Setting up..."));
            assertThat(button.isEnabled(), is(false));
            browser.screenshot("setting-up-elsewhere");
            gate.release();
            otherSetup.join(WAIT);
        }
        assertThat(browser.visible("initialized-title").getText(), is("Already Configured"));
        assertThat(browser.consoleErrors(), is(empty()));
    }

    @Test
    void aSetupFailureWithPostgresStoppedShowsTheErrorAndRetryWorksWhenItReturns() {
        try (StoppablePostgres postgres = new StoppablePostgres()) {
            service = TestService.start(postgres.environment(), data, Path.of("migrations"),
                                        Map.of("db.timeout.connect", "1000"));
            service.awaitPhase("CONFIGURED", WAIT);
            openSetupPage();
            browser.visible("configure-title");

            postgres.stop();
            browser.driver().findElement(By.id("setup-button")).click();
            assertThat(browser.visible("setup-error-title").getText(), is("Setup Error"));
            assertThat(browser.awaitText("setup-error-message", "PostgreSQL is unreachable").getText(),
                       containsString("nothing was written"));
            WebElement retry = browser.driver().findElement(By.id("setup-button"));
            assertThat(retry.getText(), is("Try Again"));
            assertThat(retry.isEnabled(), is(true));
            assertThat(announced(), containsString("Setup Error"));
            browser.screenshot("setup-error");

            postgres.start();
            retry.click();
            assertThat(browser.visible("success-title").getText(), is("Setup Successful"));
            browser.screenshot("success-after-retry");
            assertThat(service.status().getBoolean("initialized"), is(true));
            assertOnlyRefusedSetupsInTheConsole(503);
        }
    }

    @Test
    void withASetupTokenAWrongTokenIsRefusedAndTheRightOneSetsUp() {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("wizard_token")));
        env.put("DEPLOYSTACK_SETUP_TOKEN", TOKEN);
        service = TestService.start(env, data);
        service.awaitPhase("CONFIGURED", WAIT);
        openSetupPage();

        WebElement token = browser.visible("setup-token");
        assertThat(browser.driver().findElement(By.cssSelector("label[for=setup-token]")).getText(), is("Setup token"));
        assertThat(token.getAttribute("type"), is("password"));
        token.sendKeys("not-the-token", Keys.ENTER);
        assertThat(browser.awaitText("setup-error-message", "The setup token is not valid.").isDisplayed(), is(true));
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id"), is("setup-token"));
        browser.screenshot("token-wrong");
        assertThat(service.status().getBoolean("initialized"), is(false));

        token.sendKeys(TOKEN, Keys.ENTER);
        assertThat(browser.visible("success-title").getText(), is("Setup Successful"));
        browser.screenshot("token-success");
        assertOnlyRefusedSetupsInTheConsole(401);
    }

    @Test
    void thePageFitsAPhoneWidth() {
        TestPostgres postgres = TestPostgres.get();
        service = TestService.start(postgres.environment(postgres.createDatabase("wizard_phone")), data);
        service.awaitPhase("CONFIGURED", WAIT);
        browser.resize(390, 844);
        openSetupPage();
        WebElement button = browser.visible("setup-button");
        long viewport = (Long) browser.script("return document.documentElement.clientWidth");
        long content = (Long) browser.script("return document.documentElement.scrollWidth");
        assertThat("no horizontal scrolling", content, lessThanOrEqualTo(viewport));
        assertThat(viewport, lessThanOrEqualTo(390L));
        assertThat((long) (button.getRect().getX() + button.getRect().getWidth()), lessThanOrEqualTo(viewport));
        browser.screenshot("phone-configured");
        assertThat(browser.consoleErrors(), is(empty()));
    }

    @Test
    void aRestartingBackendThatWasSetUpShowsStartingAndNeverOffersSetup(@TempDir Path migrations) throws Exception {
        Path scripts = copyOfTheMigrations(migrations);
        TestPostgres postgres = TestPostgres.get();
        String database = postgres.createDatabase("wizard_restart");
        service = TestService.start(postgres.environment(database), data, migrations, Map.of());
        assertThat(service.setup().status(), is(200));
        service.close();
        Files.writeString(scripts.resolve("29991231000000_wait_for_test_gate.sql"),
                          "-- // wait for test gate\nLOCK TABLE setup_gate IN SHARE MODE;\n\n-- //@UNDO\n\n");
        try (SetupGate gate = new SetupGate(postgres.connect(database))) {
            service = TestService.start(postgres.environment(database), data, migrations, Map.of());
            service.awaitPhase("INITIALIZING", WAIT);
            openSetupPage();

            assertThat(browser.visible("starting-title").getText(), is("Starting…"));
            assertThat(browser.awaitText("starting-step", "Applying database migrations").isDisplayed(), is(true));
            assertThat("no setup offered to a backend that was set up", browser.displayed("configure"), is(false));
            assertThat(announced(), containsString("Starting"));
            browser.screenshot("starting");
            gate.release();
        }
        assertThat(browser.visible("initialized-title").getText(), is("Already Configured"));
        assertThat(browser.consoleErrors(), is(empty()));
    }

    private void openSetupPage() {
        browser.open("http://127.0.0.1:" + service.application().port() + "/setup");
        assertThat(browser.driver().findElement(By.tagName("h1")).getText(), is("Setup DeployStack"));
        assertThat(browser.driver().findElement(By.tagName("header")).getText(),
                   containsString("Configure your DeployStack instance to get started."));
    }

    private String announced() {
        return browser.driver().findElement(By.id("announcer")).getAttribute("textContent");
    }

    /** The browser reports each refused request as a failed resource load; any other error fails the test. */
    private void assertOnlyRefusedSetupsInTheConsole(int status) {
        List<String> unexpected = browser.consoleErrors().stream()
                .filter(line -> !line.matches(".*/api/db/setup - Failed to load resource: the server responded with a"
                                              + " status of " + status + " .*"))
                .toList();
        assertThat(unexpected, is(empty()));
    }

    /**
     * Starts the service on a fresh database with the real migrations plus a last script that waits for a table
     * lock the returned gate holds: setup stays in its migrations step until the test releases the gate.
     */
    private SetupGate startServiceWithGatedSetup(Path repository) throws IOException, SQLException {
        Path scripts = copyOfTheMigrations(repository);
        Files.writeString(scripts.resolve("29991231000000_wait_for_test_gate.sql"),
                          "-- // wait for test gate\nLOCK TABLE setup_gate IN SHARE MODE;\n\n-- //@UNDO\n\n");
        TestPostgres postgres = TestPostgres.get();
        String database = postgres.createDatabase("wizard");
        SetupGate gate = new SetupGate(postgres.connect(database));
        service = TestService.start(postgres.environment(database), data, repository, Map.of());
        service.awaitPhase("CONFIGURED", WAIT);
        return gate;
    }

    /** The project's migration scripts in {@code repository}/scripts, which is returned. */
    private static Path copyOfTheMigrations(Path repository) throws IOException {
        Path scripts = Files.createDirectories(repository.resolve("scripts"));
        try (Stream<Path> real = Files.list(Path.of("migrations", "scripts"))) {
            for (Path script : real.toList()) {
                Files.copy(script, scripts.resolve(script.getFileName()));
            }
        }
        return scripts;
    }

    /** An open transaction holding an exclusive lock on {@code setup_gate}. */
    private static final class SetupGate implements AutoCloseable {

        private final Connection connection;

        SetupGate(Connection connection) throws SQLException {
            this.connection = connection;
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE setup_gate (id INT)");
                connection.setAutoCommit(false);
                statement.execute("LOCK TABLE setup_gate IN ACCESS EXCLUSIVE MODE");
            }
        }

        void release() throws SQLException {
            connection.commit();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
