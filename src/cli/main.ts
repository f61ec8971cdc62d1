// hgrec command-line entry point (filled in by the CLI stage).
console.log('hgrec: pipeline stages are being assembled');
