#!/usr/bin/env node
// lunr_baseline.js: lunr 2 (with lunr-languages for German) as a relevance peer of lupe.
//
//   node bench/lunr_baseline.js DOCS.jsonl QUERIES.tsv [--lang en|de] [--limit N] > RUN
//
// Builds one in-memory lunr index of DOCS (fields title and body, ref id, lunr's BM25 with its
// defaults k1 = 1.2, b = 0.75, no boosts) with the pipeline of LANG: lunr's own trimmer, stop
// word filter and Porter stemmer for en (the default), lunr-languages' lunr.de (German trimmer,
// stop words and Snowball stemmer) for de. lunr has one pipeline per index, so a query's lang
// column cannot change its analysis: the column is read and ignored.
//
// Each query goes through the index's pipeline (the same tokenizer, trimmer, stop words and
// stemmer as the documents) and its terms are OR-ed with lunr's query API (every clause
// optional, no pipeline run twice). lunr's query-string syntax (`idx.search`) is not used: it
// would read `:`, `^`, `~`, `+`, `-` and `*` in the questions as operators and leave trailing
// punctuation on the words. Prints TREC run lines `qid Q0 docid rank score lunr`, the top
// LIMIT (default 100) per query.
//
// Needs lunr and lunr-languages in bench/lunr/node_modules (`npm install --prefix bench/lunr`).
// Exit codes: 0 success, 1 runtime error, 2 usage error.
'use strict';

const fs = require('fs');
const path = require('path');

const usage = 'usage: node lunr_baseline.js DOCS.jsonl QUERIES.tsv [--lang en|de] [--limit N]\n';

function parseArgs(argv) {
    if (argv.length < 2) return null;
    const options = { docs: argv[0], queries: argv[1], lang: 'en', limit: 100 };
    for (let i = 2; i < argv.length; i += 2) {
        const value = argv[i + 1];
        if (argv[i] === '--lang' && (value === 'en' || value === 'de')) {
            options.lang = value;
        } else if (argv[i] === '--limit' && /^[1-9][0-9]*$/.test(value || '')) {
            options.limit = Number(value);
        } else {
            return null;
        }
    }
    return options;
}

function loadLunr(lang) {
    const modules = path.join(__dirname, 'lunr', 'node_modules');
    const lunr = require(path.join(modules, 'lunr'));
    if (lang === 'de') {
        require(path.join(modules, 'lunr-languages', 'lunr.stemmer.support.js'))(lunr);
        require(path.join(modules, 'lunr-languages', 'lunr.de.js'))(lunr);
    }
    return lunr;
}

function readLines(file) {
    return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
}

function buildIndex(lunr, lang, docsPath) {
    return lunr(function () {
        if (lang === 'de') this.use(lunr.de);
        this.ref('id');
        this.field('title');
        this.field('body');
        readLines(docsPath).forEach((line, i) => {
            if (!line.trim()) return;
            let doc;
            try {
                doc = JSON.parse(line);
            } catch (e) {
                throw new Error(`${docsPath}:${i + 1}: ${e.message}`);
            }
            this.add({ id: String(doc.id), title: doc.title || '', body: doc.body || '' });
        });
    });
}

// The index pipeline of LANG, to analyse queries exactly as documents were analysed.
function queryPipeline(lunr, lang) {
    const stages = lang === 'de'
        ? [lunr.de.trimmer, lunr.de.stopWordFilter, lunr.de.stemmer]
        : [lunr.trimmer, lunr.stopWordFilter, lunr.stemmer];
    const pipeline = new lunr.Pipeline();
    pipeline.add(...stages);
    return pipeline;
}

function main(argv) {
    if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
        process.stdout.write(usage);
        return 0;
    }
    const options = parseArgs(argv);
    if (!options) {
        process.stderr.write(usage);
        return 2;
    }
    let lunr;
    try {
        lunr = loadLunr(options.lang);
    } catch (e) {
        process.stderr.write(`lunr_baseline: ${e.message}\n` +
            'install lunr and lunr-languages: npm install --prefix bench/lunr\n');
        return 1;
    }
    try {
        const idx = buildIndex(lunr, options.lang, options.docs);
        const pipeline = queryPipeline(lunr, options.lang);
        const out = [];
        readLines(options.queries).forEach((line, i) => {
            if (!line) return;
            const parts = line.split('\t');
            if (parts.length < 3 || !parts[0] || parts[0].includes(' ')) {
                throw new Error(`${options.queries}:${i + 1}: expected qid<TAB>lang<TAB>query`);
            }
            const qid = parts[0];
            const text = parts.slice(2).join('\t');
            // `*` inside a term is a wildcard to lunr's token set, not a character.
            const terms = [...new Set(pipeline.run(lunr.tokenizer(text))
                .map((t) => t.toString().replace(/\*/g, ''))
                .filter((t) => t.length > 0))];
            if (terms.length === 0) return;
            const hits = idx.query((q) => {
                q.term(terms, { usePipeline: false });
            });
            hits.slice(0, options.limit).forEach((hit, rank) => {
                out.push(`${qid} Q0 ${hit.ref} ${rank + 1} ${hit.score} lunr\n`);
            });
        });
        process.stdout.write(out.join(''));
    } catch (e) {
        process.stderr.write(`lunr_baseline: ${e.message}\n`);
        return 1;
    }
    return 0;
}

process.exitCode = main(process.argv.slice(2));
