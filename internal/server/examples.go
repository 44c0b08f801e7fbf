package server

// ExampleQueries is the document GraphiQL opens with: one named operation
// per kind of question the API answers. Pick one with the run button.
const ExampleQueries = `# armsgraph: defence relations as a knowledge graph.
# Each operation below asks one kind of question; choose one with the run button.

# Where does Iran's Tondar-69 come from? Every ancestor, at its shortest depth.
query AncestorsOfTondar69 {
  lineage(weapon: "Tondar-69", direction: ANCESTORS) {
    nodes { depth weapon { id name origin { name } } }
    derivations {
      child { name } parent { name } kind confidence
      citations { locator note source { title publisher published } }
    }
  }
}

# What was derived from the Chinese C-802?
query DescendantsOfC802 {
  lineage(weapon: "C-802", direction: DESCENDANTS) {
    nodes { depth weapon { name category origin { name } } }
    derivations { child { name } parent { name } kind confidence }
  }
}

# Names are matched ignoring case, spaces and punctuation, aliases included.
query AliasLookup {
  resolve(name: "c 802") { id kind name aliases }
  weapon(name: "c802") { id name }
  person(name: "Dehgan") { id name aliases }
}

# How are two officials of different countries connected?
query ShortestPaths {
  paths(from: "person/hossein-dehghan", to: "person/chang-wanquan", maxHops: 4, limit: 3) {
    length
    nodes { id name }
    relationships { type from { name } to { name } confidence }
  }
}

# Agreements between Iran and China from 2014 to 2016.
query IranChinaAgreements {
  agreements(parties: ["country/iran", "country/china"], from: "2014", to: "2016") {
    id name date status confidence
    parties { name } signatories { name }
    citations { locator source { title } }
  }
}

# Chinese supplies to Iran.
query Transfers {
  transfers(supplier: "country/china", recipient: "country/iran") {
    name weapon { name } item quantityDelivered quantityUnit ordered delivered status confidence
  }
}

# Everything one hop from a person.
query Neighborhood {
  neighborhood(id: "person/chang-wanquan", depth: 1) {
    nodes { id kind name }
    relationships { type from { id } to { id } }
    truncated
  }
}

# Full-text search over names, aliases and descriptions.
query Search {
  search(text: "anti-ship missile", kinds: [WEAPON], first: 5) { id name description }
}

# Weapons, a page at a time: pass pageInfo.endCursor as after.
query WeaponPages {
  weapons(origin: "country/iran", first: 5) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { name category derivedFrom { kind parent { name origin { name } } } } }
  }
}
`
