package armsgraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Runs Neo4j Community 5.26 embedded, with its Bolt connector enabled, as a
 * stand-in for the Neo4j server on machines where the server assembly cannot be
 * downloaded. Started by scripts/neo4j, never by hand; it is configured through
 * the environment so that the password does not show in the process list:
 *
 * <pre>
 *   ARMSGRAPH_NEO4J_HOME       instance directory (data/ and logs/ go there)   required
 *   ARMSGRAPH_NEO4J_PORT       Bolt port on 127.0.0.1                            required
 *   ARMSGRAPH_NEO4J_PASSWORD   password of the user neo4j (8+ characters)       required
 *   ARMSGRAPH_NEO4J_PAGECACHE  page cache size in bytes, or with k/m/g suffix   default 2g
 *   ARMSGRAPH_NEO4J_TX_TIMEOUT transaction timeout in seconds                   default 300
 *   ARMSGRAPH_NEO4J_PIDFILE    file to write this process's pid into            optional
 *   ARMSGRAPH_NEO4J_DATA       data directory                                   default HOME/data
 *   ARMSGRAPH_NEO4J_LISTEN     address the connectors listen on                 default 127.0.0.1
 *   ARMSGRAPH_NEO4J_DISCOVERY_PORT  port to answer GET / on with Neo4j's     optional
 *                              HTTP discovery document
 *   ARMSGRAPH_NEO4J_AUTH       "none" turns authentication off (the password    optional
 *                              is then not needed)
 * </pre>
 *
 * The container image that scripts/images builds (a stand-in for
 * neo4j:5.26-community) sets the last four: it listens on every interface of
 * the container (whose ports are published on 127.0.0.1 only), answers
 * GET / on port 7474 as the Neo4j server does (200 with the discovery
 * document once the database is available, 503 before), and prints the
 * server's own start lines, "Bolt enabled on ..." and "Started.", which
 * testcontainers' neo4j module waits for.
 *
 * Standard output is the launcher log. When the DBMS is up, the password is set
 * and a Bolt handshake on the port succeeded, it prints a line starting with
 * {@code ARMSGRAPH_NEO4J_READY}; scripts/neo4j waits for that line. SIGTERM (or
 * any JVM exit) shuts the DBMS down cleanly through a shutdown hook.
 */
public final class Neo4jLauncher {
    static final String READY = "ARMSGRAPH_NEO4J_READY";
    static final String HOST = "127.0.0.1";
    static final String USER = "neo4j";

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(required("ARMSGRAPH_NEO4J_HOME")).toAbsolutePath();
        int port = Integer.parseInt(required("ARMSGRAPH_NEO4J_PORT"));
        boolean authDisabled = "none".equalsIgnoreCase(env("ARMSGRAPH_NEO4J_AUTH", ""));
        String password = authDisabled ? "" : required("ARMSGRAPH_NEO4J_PASSWORD");
        Path data = Path.of(env("ARMSGRAPH_NEO4J_DATA", home.resolve("data").toString())).toAbsolutePath();
        String listen = env("ARMSGRAPH_NEO4J_LISTEN", HOST);
        String httpPortValue = env("ARMSGRAPH_NEO4J_DISCOVERY_PORT", "");
        long pageCache = parseBytes(env("ARMSGRAPH_NEO4J_PAGECACHE", "2g"));
        long txTimeout = Long.parseLong(env("ARMSGRAPH_NEO4J_TX_TIMEOUT", "300"));
        String pidFile = System.getenv("ARMSGRAPH_NEO4J_PIDFILE");

        if (!authDisabled && password.length() < 8) {
            fail("ARMSGRAPH_NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)");
        }
        long pid = ProcessHandle.current().pid();
        if (pidFile != null && !pidFile.isEmpty()) {
            Files.writeString(Path.of(pidFile), pid + "\n", StandardCharsets.US_ASCII);
        }
        log("starting Neo4j 5.26 embedded (pid " + pid + "), home " + home + ", data " + data + ", bolt " + listen + ":" + port
                + ", page cache " + pageCache + " bytes, max heap " + Runtime.getRuntime().maxMemory() + " bytes");
        Files.createDirectories(home);
        Files.createDirectories(data);

        Instant t0 = Instant.now();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.data_directory, data)
                // Every listener this process may open is bound to the loopback
                // address (inside a container: to the container's interfaces).
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(listen))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(listen, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Server-side routing would open a second connector (default port 7688,
                // which is the test instance's Bolt port): not wanted on a single instance.
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                .setConfig(GraphDatabaseSettings.routing_listen_address, new SocketAddress(HOST, 0))
                .setConfig(GraphDatabaseSettings.auth_enabled, !authDisabled)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeout))
                .setConfig(GraphDatabaseSettings.lock_acquisition_timeout, Duration.ofSeconds(60))
                // A dev/test store: keep transaction logs bounded and do not preallocate them.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "256M size")
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Do not wait minutes for Bolt worker threads on shutdown.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1));

        DatabaseManagementService dbms;
        try {
            dbms = builder.build();
        } catch (Throwable e) {
            log("FAILED to start the DBMS: " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down");
            try {
                dbms.shutdown();
                log("stopped");
            } catch (Throwable e) {
                log("error during shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "armsgraph-neo4j-shutdown"));

        try {
            if (!authDisabled) {
                ensurePassword(dbms, data, password);
            }
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            db.executeTransactionally("RETURN 1");
            boltHandshake(port, Duration.ofSeconds(30));
            if (!httpPortValue.isEmpty()) {
                serveDiscovery(db, listen, Integer.parseInt(httpPortValue), port);
            }
        } catch (Throwable e) {
            log("FAILED after start: " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(1); // runs the shutdown hook
            return;
        }

        log(READY + " bolt://" + HOST + ":" + port + " user " + USER + " started in "
                + Duration.between(t0, Instant.now()).toMillis() + " ms");
        // The Neo4j server's own start lines, which tools wait for.
        log("Bolt enabled on " + listen + ":" + port + ".");
        if (!httpPortValue.isEmpty()) {
            log("HTTP enabled on " + listen + ":" + httpPortValue + ".");
        }
        log("Started.");
        // The DBMS runs on its own threads; keep the main thread until shutdown.
        stopped.await();
    }

    /**
     * Sets the password unless this store already has it: the administration
     * commands cost seconds of Cypher compilation in a cold JVM, so the hash of
     * the password last set is kept in the instance directory.
     */
    static void ensurePassword(DatabaseManagementService dbms, Path data, String password) throws Exception {
        Path stamp = data.resolve("armsgraph-password.sha256");
        String want = sha256(USER + ":" + password);
        if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.US_ASCII).trim().equals(want)) {
            log("password of user " + USER + " already set");
            return;
        }
        setPassword(dbms, password);
        Files.writeString(stamp, want + "\n", StandardCharsets.US_ASCII);
    }

    static String sha256(String s) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        StringBuilder b = new StringBuilder();
        for (byte x : d) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }

    /**
     * Makes the password of the built-in user neo4j the configured one, with no
     * change required. On a new store the user has the password "neo4j" and
     * must change it; on an existing store this is a no-op unless the
     * configured password changed. Administration commands run against the
     * system database; the embedded API runs them with full rights.
     */
    static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        long users = system.executeTransactionally(
                "SHOW USERS YIELD user WHERE user = $u RETURN count(*) AS n",
                Map.of("u", USER), r -> (Long) r.next().get("n"));
        if (users == 0) {
            system.executeTransactionally(
                    "CREATE USER " + USER + " SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
            log("created user " + USER);
            return;
        }
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
            log("password of user " + USER + " set");
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one it already has:
            // that is the normal case on every start after the first.
            if (String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                system.executeTransactionally("ALTER USER " + USER + " SET PASSWORD CHANGE NOT REQUIRED");
                log("password of user " + USER + " was already the configured one");
            } else {
                throw e;
            }
        }
    }

    /**
     * Connects to the Bolt port and performs the Bolt version handshake: proof
     * that the connector answers the protocol, not only that a port is open.
     */
    static void boltHandshake(int port, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        IOException last = null;
        while (Instant.now().isBefore(deadline)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 2000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                // Magic preamble, then four proposed versions: 5.0-5.8 (range), 4.4, none, none.
                out.write(new byte[] {
                    0x60, 0x60, (byte) 0xB0, 0x17,
                    0x00, 0x08, 0x08, 0x05,
                    0x00, 0x00, 0x04, 0x04,
                    0x00, 0x00, 0x00, 0x00,
                    0x00, 0x00, 0x00, 0x00});
                out.flush();
                InputStream in = s.getInputStream();
                byte[] reply = in.readNBytes(4);
                if (reply.length == 4 && (reply[2] != 0 || reply[3] != 0)) {
                    log("bolt handshake ok, protocol " + reply[3] + "." + reply[2]);
                    return;
                }
                last = new IOException("bolt handshake: unexpected reply " + List.of(reply.length));
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IOException("Bolt connector on " + HOST + ":" + port + " did not answer the handshake", last);
    }

    /**
     * Serves GET / as the Neo4j server does: the discovery document (where
     * Bolt is, which version), 200 while the database is available and 503
     * otherwise, so that a health check or a wait strategy polling it learns
     * whether the database answers. Nothing else is served (no Query API).
     */
    static void serveDiscovery(GraphDatabaseService db, String listen, int httpPort, int boltPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(listen, httpPort), 16);
        http.createContext("/", (HttpExchange ex) -> {
            try {
                URI uri = ex.getRequestURI();
                if (!"/".equals(uri.getPath()) || !("GET".equals(ex.getRequestMethod()) || "HEAD".equals(ex.getRequestMethod()))) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                String host = ex.getRequestHeaders().getFirst("Host");
                host = host == null ? HOST : host.replaceFirst(":[0-9]+$", "");
                boolean up = db.isAvailable(500);
                String body = up
                        ? "{\"bolt_routing\":\"neo4j://" + host + ":" + boltPort + "\",\"bolt_direct\":\"bolt://" + host + ":"
                                + boltPort + "\",\"neo4j_version\":\"" + env("ARMSGRAPH_NEO4J_VERSION", "5.26") + "\",\"neo4j_edition\":\"community\"}\n"
                        : "{\"error\":\"database not available\"}\n";
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(up ? 200 : 503, "HEAD".equals(ex.getRequestMethod()) ? -1 : b.length);
                if (!"HEAD".equals(ex.getRequestMethod())) {
                    ex.getResponseBody().write(b);
                }
            } finally {
                ex.close();
            }
        });
        http.start();
    }

    static long parseBytes(String s) {
        String v = s.trim().toLowerCase();
        long mult = 1;
        char last = v.charAt(v.length() - 1);
        if (last == 'b') {
            v = v.substring(0, v.length() - 1);
            last = v.charAt(v.length() - 1);
        }
        switch (last) {
            case 'k': mult = 1L << 10; break;
            case 'm': mult = 1L << 20; break;
            case 'g': mult = 1L << 30; break;
            default: mult = 1;
        }
        if (mult != 1) {
            v = v.substring(0, v.length() - 1);
        }
        return Long.parseLong(v.trim()) * mult;
    }

    static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }

    static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            fail(name + " is not set (this program is started by scripts/neo4j)");
        }
        return v;
    }

    static void fail(String msg) {
        log("FAILED: " + msg);
        System.exit(2);
    }

    static synchronized void log(String msg) {
        System.out.println(Instant.now() + " [armsgraph-neo4j] " + msg);
        System.out.flush();
    }
}
