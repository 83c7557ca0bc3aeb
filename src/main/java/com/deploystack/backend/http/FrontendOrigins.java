package com.deploystack.backend.http;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.helidon.webserver.cors.CorsFeature;
import io.helidon.webserver.cors.CorsPathConfig;

/**
 * The origins DeployStack's frontend calls the service from, and the CORS support (Helidon's) that lets them:
 * the origins in {@code DEPLOYSTACK_FRONTEND_URL} (comma-separated) plus DeployStack's local development origins,
 * with credentials, the methods the API uses, the headers the frontend sends, and {@code X-DeployStack-LSN} exposed.
 * Any other origin gets no {@code Access-Control-Allow-Origin}.
 */
public final class FrontendOrigins {

    public static final String VARIABLE = "DEPLOYSTACK_FRONTEND_URL";
    /** The frontend's Vite development and preview servers, and a frontend served on port 3000. */
    public static final List<String> DEVELOPMENT = List.of(
            "http://localhost:5173", "http://localhost:5174", "http://localhost:4173", "http://localhost:3000");

    /** The WAL position of a write, read by the frontend and sent back with its next reads (README "Read replicas"). */
    public static final String READ_YOUR_WRITES = "X-DeployStack-LSN";

    private static final System.Logger LOG = System.getLogger(FrontendOrigins.class.getName());
    /** The request headers the frontend may send beyond the ones every request may carry. */
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", READ_YOUR_WRITES);

    private FrontendOrigins() {
    }

    /** The allowed origins; a value of {@value #VARIABLE} that is not an origin is logged and left out. */
    public static Set<String> read(Map<String, String> env) {
        Set<String> origins = new LinkedHashSet<>();
        for (String value : env.getOrDefault(VARIABLE, "").split(",")) {
            String url = value.strip();
            if (url.isEmpty()) {
                continue;
            }
            try {
                origins.add(origin(url));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, VARIABLE + ": '" + url + "' is not a URL such as https://deploystack.example.com"
                                       + " and is ignored (" + e.getMessage() + ")");
            }
        }
        origins.addAll(DEVELOPMENT);
        return origins;
    }

    /** Helidon's CORS feature allowing {@code origins} with credentials on every path. */
    public static CorsFeature cors(Set<String> origins) {
        return CorsFeature.builder()
                .enabled(true)
                .addDefaults(false)
                .addPath(CorsPathConfig.builder()
                                 .pathPattern("/*")
                                 .allowOrigins(origins)
                                 .allowMethods(Set.of("GET", "POST", "PUT", "DELETE", "OPTIONS"))
                                 .allowHeaders(requestHeaderLists())
                                 .exposeHeaders(Set.of(READ_YOUR_WRITES))
                                 .allowCredentials(true)
                                 .build())
                .build();
    }

    /**
     * The allowed request headers, each alone and as a browser lists several in a preflight's
     * {@code Access-Control-Request-Headers}: lower case, sorted, joined by a bare comma ({@code authorization,content-type},
     * as the Fetch standard has it). Helidon 4.5 splits that header only at ", ", so it compares the whole browser list
     * with the allowed names and refuses the preflight (403); the lists themselves are therefore allowed too. A
     * client listing them with ", " is split by Helidon and matches the single names.
     */
    static Set<String> requestHeaderLists() {
        List<String> names = REQUEST_HEADERS.stream().map(name -> name.toLowerCase(Locale.ROOT)).sorted().toList();
        Set<String> allowed = new LinkedHashSet<>(REQUEST_HEADERS);
        for (int subset = 1; subset < 1 << names.size(); subset++) {
            List<String> listed = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if ((subset & 1 << i) != 0) {
                    listed.add(names.get(i));
                }
            }
            if (listed.size() > 1) {
                allowed.add(String.join(",", listed));
            }
        }
        return allowed;
    }

    /** {@code scheme://host[:port]} of {@code url}, as a browser sends it in {@code Origin}. */
    private static String origin(String url) {
        URI uri = URI.create(url);
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("it needs http:// or https:// and a host");
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
