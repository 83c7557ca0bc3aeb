package com.deploystack.backend.db;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that compare the repository's scripts with the changelog, as pure functions: how each script stands,
 * and what is to be applied (or why nothing may be).
 */
public final class MigrationPlan {

    /**
     * How a script stands against the changelog. {@code AHEAD}: applied, unknown here, and newer than every script
     * here: a newer release applied it (this one runs on, as during a rolling upgrade, and says so).
     * {@code MISSING}: applied, unknown here, and older than a script here: the repository lost it.
     */
    public enum State { APPLIED, CHANGED, MISSING, AHEAD, PENDING, OUT_OF_ORDER }

    /** One script's standing. */
    public record ScriptStatus(BigDecimal id, String description, String appliedAt, State state) {
    }

    private MigrationPlan() {
    }

    /** Every script, applied or not, and every applied script missing from {@code scripts}, in id order. */
    static List<ScriptStatus> status(List<Script> scripts, Map<BigDecimal, Changelog.Entry> changelog) {
        Map<BigDecimal, Changelog.Entry> applied = new LinkedHashMap<>(changelog);
        BigDecimal lastApplied = applied.keySet().stream().max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO);
        List<ScriptStatus> rows = new ArrayList<>();
        for (Script script : scripts) {
            Changelog.Entry row = applied.remove(script.id());
            if (row == null) {
                State state = script.id().compareTo(lastApplied) < 0 ? State.OUT_OF_ORDER : State.PENDING;
                rows.add(new ScriptStatus(script.id(), script.description(), "", state));
            } else {
                boolean same = row.checksum() == null || row.checksum().equals(script.checksum());
                rows.add(new ScriptStatus(script.id(), script.description(), row.appliedAt(),
                                          same ? State.APPLIED : State.CHANGED));
            }
        }
        BigDecimal newestHere = scripts.getLast().id();
        applied.values().forEach(row -> rows.add(new ScriptStatus(
                row.id(), row.description(), row.appliedAt(),
                row.id().compareTo(newestHere) > 0 ? State.AHEAD : State.MISSING)));
        rows.sort(Comparator.comparing(ScriptStatus::id));
        return rows;
    }

    /**
     * The scripts still to apply, after checking that no applied script changed or disappeared and that no pending
     * script is older than the last applied one.
     *
     * @param scriptsDirectory named in the messages
     */
    static List<Script> pending(List<Script> scripts, Map<BigDecimal, Changelog.Entry> changelog,
                                String scriptsDirectory) {
        Map<String, Script> byId = new LinkedHashMap<>();
        scripts.forEach(script -> byId.put(script.id().toPlainString(), script));
        List<Script> pending = new ArrayList<>();
        for (ScriptStatus row : status(scripts, changelog)) {
            Script script = byId.get(row.id().toPlainString());
            switch (row.state()) {
                case APPLIED, AHEAD -> { }
                case PENDING -> pending.add(script);
                case CHANGED -> throw new MigrationException("Applied migration " + script.fileName()
                        + " was changed after it was applied (checksum differs). Restore the original file and add"
                        + " a new script for the change.");
                case MISSING -> throw new MigrationException("Applied migration " + row.id().toPlainString() + " ("
                        + row.description() + ") is missing from " + scriptsDirectory
                        + ". Restore the script or deploy the release that contains it.");
                case OUT_OF_ORDER -> throw new MigrationException("Pending migration " + script.fileName()
                        + " is older than the last applied script and would run out of order. Rename it with a"
                        + " newer timestamp (migrate new) and restart.");
            }
        }
        return pending;
    }
}
