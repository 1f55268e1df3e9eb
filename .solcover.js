// solidity-coverage: measure contracts/ only with the contract suites (the script passes --testfiles), and skip
// nothing but test mocks. json-summary writes coverage/coverage-summary.json, which CI reads.
module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["json-summary", "text", "html"],
  mocha: { timeout: 300000 },
};
