// The peer that `armsgraph bench --peer` measures armsgraph against: the
// Neo4j GraphQL Library (@neo4j/graphql) served by Apollo Server, over the
// same Neo4j and the same data. The type definitions follow
// docs/graph-model.md (labels, properties, relationship types); the two
// traversals the library cannot generate (descendants to depth 10 and the
// depth-2 neighbourhood) are @cypher fields, as its users write them.
//
// Read-only (no mutations are generated), listens on 127.0.0.1 only, and
// prints one line "peer: listening on http://127.0.0.1:PORT/graphql" on
// stdout when it is ready. Configuration comes from the environment:
//   NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, PEER_PORT (0: any free port).
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

// The depth-2 neighbourhood, with armsgraph's semantics
// (internal/neo4jstore Neighborhood): the entities one hop away, nearest
// first in id order, then those two hops away, at most 200 in all.
const neighborhood = `
CALL (this) {
  MATCH (this)--(n:Entity) WHERE n <> this
  WITH DISTINCT n ORDER BY n.id LIMIT 201
  RETURN collect(n) AS found
}
CALL (this, found) {
  WITH this, found WHERE size(found) <= 200
  UNWIND found AS x
  MATCH (x)--(n:Entity) WHERE n <> this AND NOT n IN found
  WITH DISTINCT n ORDER BY n.id LIMIT 201
  RETURN collect(n) AS next
}
UNWIND (found + next)[..200] AS n
RETURN n`;

export const typeDefs = /* GraphQL */ `
type Country @node @mutation(operations: []) {
  id: ID!
  kind: String!
  name: String!
  aliases: [String!]!
  weaponsOriginated: [Weapon!]! @relationship(type: "ORIGINATES_FROM", direction: IN)
}

type Derivation @relationshipProperties {
  kind: String!
  confidence: String!
  note: String
}

type Weapon @node @mutation(operations: []) {
  id: ID!
  kind: String!
  name: String!
  aliases: [String!]!
  description: String
  category: String!
  rangeKm: Float
  introduced: String
  origin: Country @relationship(type: "ORIGINATES_FROM", direction: OUT)
  derivedFrom: [Weapon!]! @relationship(type: "DERIVED_FROM", direction: OUT, properties: "Derivation")
  derivatives: [Weapon!]! @relationship(type: "DERIVED_FROM", direction: IN, properties: "Derivation")
  "Every weapon derived from this one, up to 10 derivation steps away."
  descendants: [Weapon!]!
    @cypher(statement: "MATCH (this)<-[:DERIVED_FROM*1..10]-(d:Weapon) RETURN DISTINCT d", columnName: "d")
  "The entities within two hops, at most 200 (armsgraph's neighborhood(depth: 2, limit: 200) nodes)."
  neighborhood: [Entity!]! @cypher(statement: """${neighborhood}""", columnName: "n")
}

"Any node of the graph (label Entity), as a traversal returns it."
type Entity @node @mutation(operations: []) {
  id: ID!
  kind: String!
  name: String!
}
`;

async function main() {
  const env = process.env;
  const uri = env.NEO4J_URI || "bolt://127.0.0.1:7688";
  const database = env.NEO4J_DATABASE || "neo4j";
  const port = Number(env.PEER_PORT || "0");
  const driver = neo4j.driver(uri, neo4j.auth.basic(env.NEO4J_USER || "neo4j", env.NEO4J_PASSWORD || ""), {
    maxConnectionPoolSize: 100,
  });
  await driver.verifyConnectivity({ database });
  const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
  const schema = await neoSchema.getSchema();
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginLandingPageDisabled()] });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port },
    context: async () => ({ sessionConfig: { database } }),
  });
  console.log(`peer: listening on ${url.replace(/\/$/, "")}/graphql`);
  const stop = async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error(`peer: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
