// Prints one plain closing line, `<suite>: N passed, N failed[, N skipped]`, after Jest's own report.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const label = process.env.SFTPGO_TEST_DB ? `jest-${process.env.SFTPGO_TEST_DB}` : 'jest';
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${label}: ${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}\n`);
  }
}
module.exports = SummaryReporter;
