// lupe-pdf-extract (issue 15: being written).
int main() { return 2; }
