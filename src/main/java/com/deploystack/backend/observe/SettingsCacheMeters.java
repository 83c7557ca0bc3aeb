package com.deploystack.backend.observe;

import java.util.List;

import com.deploystack.backend.settings.GlobalSettings;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The global settings cache of typed reads in code: lookups by result ({@code deploystack_settings_cache_lookups_total
 * {result="hit"|"miss"}}) and the share answered from the cache since the start
 * ({@code deploystack_settings_cache_hit_ratio}; 0 before the first lookup).
 */
final class SettingsCacheMeters {

    static final String LOOKUPS = "deploystack.settings.cache.lookups";
    static final String HIT_RATIO = "deploystack.settings.cache.hit.ratio";

    private SettingsCacheMeters() {
    }

    static List<Meter> register(MeterRegistry registry, GlobalSettings settings) {
        return List.of(
                registry.getOrCreate(FunctionalCounter.builder(LOOKUPS, settings, GlobalSettings::cacheHits)
                                             .addTag(Tag.create("result", "hit"))
                                             .description("Typed reads of global settings, by cache result")),
                registry.getOrCreate(FunctionalCounter.builder(LOOKUPS, settings, GlobalSettings::cacheMisses)
                                             .addTag(Tag.create("result", "miss"))
                                             .description("Typed reads of global settings, by cache result")),
                registry.getOrCreate(Gauge.builder(HIT_RATIO, settings, SettingsCacheMeters::hitRatio)
                                             .description("Share of typed reads of global settings answered from"
                                                          + " the cache")));
    }

    static double hitRatio(GlobalSettings settings) {
        long hits = settings.cacheHits();
        long all = hits + settings.cacheMisses();
        return all == 0 ? 0 : (double) hits / all;
    }
}
