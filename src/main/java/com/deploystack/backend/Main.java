package com.deploystack.backend;

import java.util.Arrays;

import com.deploystack.backend.logging.LastingLogManager;
import com.deploystack.backend.logging.LogFormat;
import com.deploystack.backend.observe.MetricsStart;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** Entry point: {@code java -jar deploystack-db.jar} runs the service. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", LastingLogManager.class.getName());
        if (args.length > 0 && args[0].equals("migrate")) {
            System.exit(new MigrateCommand(config(), System.getenv(), System.out, System.err)
                                .run(Arrays.asList(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("settings")) {
            System.exit(new SettingsCommand(config(), System.getenv(), System.out, System.err)
                                .run(Arrays.asList(args).subList(1, args.length)));
        }
        if (args.length > 0) {
            System.err.println("Unknown arguments " + Arrays.toString(args) + "\n"
                               + "Usage: java -jar deploystack-db.jar            run the service\n"
                               + "       java -jar deploystack-db.jar migrate …  manage migrations (migrate for help)\n"
                               + "       java -jar deploystack-db.jar settings rotate-key  re-encrypt secret settings");
            System.exit(CommandDatabase.USAGE);
        }
        MetricsStart.begin();
        LogConfig.configureRuntime();
        LogFormat.warnIfUnknown(System.getenv(LogFormat.VARIABLE));
        Config config = config();
        Application application;
        try {
            application = Application.start(config, System.getenv());
        } catch (Application.CannotListenException e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(application::shutdown, "shutdown"));
        System.getLogger(Main.class.getName()).log(System.Logger.Level.INFO,
                "DeployStack database service listening on port " + application.port());
    }

    static Config config() {
        return ServiceConfig.load();
    }
}
