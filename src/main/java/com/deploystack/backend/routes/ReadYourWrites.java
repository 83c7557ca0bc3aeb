package com.deploystack.backend.routes;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.Lsn;
import io.helidon.common.Weighted;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * The {@code X-DeployStack-LSN} header: every successful write under {@code /api/} answers with the primary's WAL
 * position, and a read that sends it back is served by a replica only once that replica has replayed that far
 * (see {@link Database#read}).
 */
final class ReadYourWrites implements Filter, HttpFeature, Weighted {

    static final String HEADER = "X-DeployStack-LSN";
    static final HeaderName LSN = HeaderNames.create(HEADER);

    private static final System.Logger LOG = System.getLogger(ReadYourWrites.class.getName());
    private static final Set<Method> WRITES = Set.of(Method.POST, Method.PUT, Method.DELETE, Method.PATCH);

    private final Database database;

    ReadYourWrites(Database database) {
        this.database = database;
    }

    /**
     * The WAL position a read must see: the header's, or empty (a malformed one is ignored: the read is then served
     * under the lag bound, as without it).
     */
    static Optional<Lsn> after(ServerRequest request) {
        return request.headers().first(LSN).flatMap(Lsn::parse);
    }

    /** Runs a request's reads on a replica when one may serve it, else on the primary ({@link Database#read}). */
    static <T> T read(Database database, ServerRequest request, Function<DbClient, T> work) {
        return database.read(after(request), work);
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.addFilter(this);
    }

    @Override
    public double weight() {
        return 800;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        if (WRITES.contains(request.prologue().method()) && request.path().path().startsWith("/api/")) {
            response.beforeSend(() -> {
                if (response.status().code() / 100 == 2) {
                    position().ifPresent(lsn -> response.header(LSN, lsn.toString()));
                }
            });
        }
        chain.proceed();
    }

    private Optional<Lsn> position() {
        try {
            return database.writePosition();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The primary's WAL position could not be read for " + HEADER, e);
            return Optional.empty();
        }
    }
}
