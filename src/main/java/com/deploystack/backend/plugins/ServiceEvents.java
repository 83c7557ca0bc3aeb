package com.deploystack.backend.plugins;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.json.JsonObject;

/**
 * Delivers the service's events to the plugins that subscribed. A listener that fails never stops the others, and
 * an event it could not take is logged with the plugin, the event and the exception: none is lost silently.
 */
public final class ServiceEvents {

    private static final System.Logger LOG = System.getLogger(ServiceEvents.class.getName());

    private record Subscription(String pluginId, Consumer<ServiceEvent> listener) {
    }

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    void subscribe(String pluginId, Consumer<ServiceEvent> listener) {
        subscriptions.add(new Subscription(pluginId, listener));
    }

    public void publish(String name, JsonObject detail) {
        ServiceEvent event = new ServiceEvent(name, detail);
        for (Subscription subscription : subscriptions) {
            try {
                subscription.listener().accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Event " + name + " was not delivered to plugin " + subscription.pluginId()
                                       + ": " + e.getMessage(), e);
            }
        }
    }
}
