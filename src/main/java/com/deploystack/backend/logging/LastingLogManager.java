package com.deploystack.backend.logging;

import java.util.logging.LogManager;

/**
 * Keeps logging alive while the service shuts down. JUL's own shutdown hook (the JDK's thread "Logging-Cleaner")
 * resets every handler at exit, racing the service's hook, so the lines of the drain and of the stop were lost.
 * That one reset is skipped: console handlers flush every record, so nothing is left unwritten. Installed by
 * {@code Main} through {@code java.util.logging.manager} before anything logs.
 */
public final class LastingLogManager extends LogManager {

    private static final String JUL_SHUTDOWN_HOOK = "Logging-Cleaner";

    @Override
    public void reset() {
        if (!JUL_SHUTDOWN_HOOK.equals(Thread.currentThread().getName())) {
            super.reset();
        }
    }
}
