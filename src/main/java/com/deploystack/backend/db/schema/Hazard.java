package com.deploystack.backend.db.schema;

/**
 * A change that can hurt a running deployment: what it does to it, and how to make the change safely.
 *
 * @param destructive it can delete data; {@code migrate generate} refuses it without {@code --allow-destructive}
 */
public record Hazard(String change, String effect, String safely, boolean destructive) {

    /** One line for the output and the script's header. */
    public String summary() {
        return (destructive ? "[destructive] " : "[caution] ") + change + ": " + effect;
    }
}
