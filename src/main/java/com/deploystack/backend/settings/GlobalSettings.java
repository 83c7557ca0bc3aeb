package com.deploystack.backend.settings;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.deploystack.backend.db.Database;

/**
 * Typed access to the global settings for code ({@code getBoolean("global.enable_login")}), through a cache of
 * the whole table that is reloaded when older than {@code ttl}. Replicas share the database, not this cache:
 * a change made through another replica is seen here within {@code ttl}; a change through this one at once.
 * A short expiry was chosen over LISTEN/NOTIFY because it needs no dedicated connection, has no
 * missed-notification case after a reconnect, and bounds staleness by one documented number.
 */
public final class GlobalSettings {

    private record Snapshot(Map<String, StoredSetting> settings, long loadedAt) {
    }

    private final Database database;
    private final EncryptionKeys keys;
    private final long ttlNanos;
    private final AtomicLong changes = new AtomicLong();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;
    private volatile Map<String, NumberRange> ranges = Map.of();

    public GlobalSettings(Database database, EncryptionKeys keys, Duration ttl) {
        this.database = database;
        this.keys = keys;
        this.ttlNanos = ttl.toNanos();
    }

    /** The settings service for one request (the database client of this moment and the unlocked key). */
    public SettingsService service() {
        return new SettingsService(database.client(), keys.cipher());
    }

    /**
     * The definitions in effect, as the settings step reads them at every initialization: passes {@code groups}
     * through and keeps what each number setting accepts, for {@link #range}.
     */
    public List<SettingGroup> define(List<SettingGroup> groups) {
        ranges = groups.stream().flatMap(group -> group.settings().stream())
                .collect(Collectors.toUnmodifiableMap(SettingDefinition::key, SettingDefinition::range));
        return groups;
    }

    /** What setting {@code key} accepts, as its definition declares it; {@link NumberRange#ANY} when undeclared. */
    public NumberRange range(String key) {
        return ranges.getOrDefault(key, NumberRange.ANY);
    }

    /** Listens to changes made through this replica; receives the setting's key, never its value. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** After {@code key} changed through this replica: drops the cache and tells the listeners. */
    public void changed(String key) {
        changes.incrementAndGet();
        snapshot = null;
        listeners.forEach(listener -> listener.accept(key));
    }

    /** A string setting; "" when it is empty. Decrypted when the setting is encrypted. */
    public String getString(String key) {
        StoredSetting setting = typed(key, SettingType.STRING);
        String value = setting.plaintext(keys.cipher());
        return value == null ? "" : value;
    }

    /** A boolean setting; false when it is empty. */
    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(typed(key, SettingType.BOOLEAN).value());
    }

    /** A number setting; empty when it holds no value. */
    public Optional<BigDecimal> getNumber(String key) {
        StoredSetting setting = typed(key, SettingType.NUMBER);
        return setting.empty() ? Optional.empty() : SettingType.parseNumber(setting.value());
    }

    private StoredSetting typed(String key, SettingType type) {
        StoredSetting setting = current().settings().get(key);
        if (setting == null) {
            throw new IllegalArgumentException("There is no global setting " + key + ".");
        }
        if (setting.type() != type) {
            throw new IllegalArgumentException("Global setting " + key + " is a " + setting.type().text()
                                               + ", not a " + type.text() + ".");
        }
        return setting;
    }

    private Snapshot current() {
        Snapshot cached = snapshot;
        if (cached != null && System.nanoTime() - cached.loadedAt() < ttlNanos) {
            return cached;
        }
        synchronized (this) {
            cached = snapshot;
            if (cached == null || System.nanoTime() - cached.loadedAt() >= ttlNanos) {
                long loadedAt = System.nanoTime();
                long changesBefore = changes.get();
                cached = new Snapshot(service().all().stream()
                                              .collect(Collectors.toUnmodifiableMap(StoredSetting::key,
                                                                                    Function.identity())),
                                      loadedAt);
                // a change made here while loading may be missing from this load: do not keep it then
                if (changes.get() == changesBefore) {
                    snapshot = cached;
                }
            }
            return cached;
        }
    }
}
