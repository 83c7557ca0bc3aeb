package com.deploystack.backend;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.MigrationLock;
import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.settings.KeyRotation;
import com.deploystack.backend.settings.SettingsEncryptionException;
import io.helidon.config.Config;

/**
 * {@code java -jar deploystack-db.jar settings rotate-key}: re-encrypts every encrypted global setting under a
 * key derived from {@code DEPLOYSTACK_ENCRYPTION_SECRET_NEW} or read from {@code DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW},
 * in one transaction. Same configuration and exit codes as the migrate command.
 */
final class SettingsCommand {

    static final String USAGE_TEXT = """
            Usage: java -jar deploystack-db.jar settings rotate-key
              rotate-key  re-encrypt every encrypted setting under a new key, in one transaction.
                          Current secret: DEPLOYSTACK_ENCRYPTION_SECRET or DEPLOYSTACK_ENCRYPTION_KEY_FILE (or
                          persistent_data/settings-encryption.key when both are unset); new secret:
                          DEPLOYSTACK_ENCRYPTION_SECRET_NEW (16+ characters) or DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW
                          (a file of 64 hex digits), one of them required.
                          Afterwards start the service with the new secret in the variable without _NEW.
            Exit codes: 0 done, 2 wrong arguments or no new secret, 3 database not configured,
            4 PostgreSQL unreachable, 5 rotation failed (wrong current secret, a value that does not decrypt,
            setup not performed); nothing is changed unless it exits 0.""";

    private final Config config;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    SettingsCommand(Config config, Map<String, String> env, PrintStream out, PrintStream err) {
        this.config = config;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code args} (without the leading "settings") and returns the exit code. */
    int run(List<String> args) {
        if (!args.equals(List.of("rotate-key"))) {
            return usage(args.isEmpty() ? "missing command" : "unknown arguments " + args);
        }
        Path data = ServicePaths.from(config.get("paths")).data();
        EncryptionSecret next;
        EncryptionSecret current;
        try {
            Optional<EncryptionSecret> given = EncryptionSecret.next(env);
            if (given.isEmpty()) {
                return usage("neither " + EncryptionSecret.NEW_VARIABLE + " nor "
                             + EncryptionSecret.NEW_KEY_FILE_VARIABLE + " is set: put the new secret in one of them");
            }
            next = given.get();
            current = EncryptionSecret.current(env, data);
        } catch (SettingsEncryptionException | UncheckedIOException e) {
            err.println("settings: " + e.getMessage());
            return CommandDatabase.USAGE;
        }
        CommandDatabase database = new CommandDatabase("settings", config, env, err);
        return database.run("rotation failed, nothing was changed: ",
                            (connection, settings) -> rotate(settings, database.waits(settings), current, next));
    }

    private int rotate(DatabaseSettings settings, MigrationLock.Waits waits, EncryptionSecret current,
                       EncryptionSecret next) throws SQLException {
        try {
            KeyRotation.Result result = KeyRotation.rotate(settings.migrationConnections(), waits, current, next);
            out.println("Re-encrypted " + result.values() + " setting value" + (result.values() == 1 ? "" : "s")
                        + " from key " + result.oldKeyId() + " to key " + result.newKeyId() + ".");
            out.println("Start the service with " + (next.random()
                    ? EncryptionSecret.KEY_FILE_VARIABLE + " naming the new key file"
                    : EncryptionSecret.VARIABLE + " set to the new secret") + ".");
            return CommandDatabase.OK;
        } catch (SettingsEncryptionException e) {
            err.println("settings: rotation failed, nothing was changed: " + e.getMessage());
            return CommandDatabase.FAILED;
        }
    }

    private int usage(String problem) {
        err.println("settings: " + problem);
        err.println(USAGE_TEXT);
        return CommandDatabase.USAGE;
    }
}
