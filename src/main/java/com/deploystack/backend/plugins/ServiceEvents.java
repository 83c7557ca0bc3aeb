package com.deploystack.backend.plugins;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.json.JsonObject;

/** Delivers the service's events to the plugins that subscribed; a failing listener never stops the others. */
public final class ServiceEvents {

    private static final System.Logger LOG = System.getLogger(ServiceEvents.class.getName());

    private final List<Consumer<ServiceEvent>> listeners = new CopyOnWriteArrayList<>();

    void subscribe(Consumer<ServiceEvent> listener) {
        listeners.add(listener);
    }

    public void publish(String name, JsonObject detail) {
        ServiceEvent event = new ServiceEvent(name, detail);
        for (Consumer<ServiceEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A plugin failed to handle event " + name + ": " + e.getMessage());
            }
        }
    }
}
