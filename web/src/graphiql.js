// GraphiQL, bundled from npm and served by armsgraph itself: no CDN.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './graphiql-page.css';
import examples from './examples.graphql';
import { post } from './api.js';

const fetcher = (params) => post(params);

// ?query=… opens that document (a link can carry a query); the editor
// keeps the URL up to date so that the address bar can be shared.
const params = new URLSearchParams(location.search);
const onEditQuery = (q) => {
  const u = new URL(location.href);
  u.searchParams.set('query', q);
  history.replaceState(null, '', u);
};

createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    query: params.get('query') || undefined,
    defaultQuery: examples,
    onEditQuery,
    shouldPersistHeaders: false,
  }),
);
