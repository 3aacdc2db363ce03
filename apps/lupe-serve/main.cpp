// Placeholder: lupe-serve's command line (helper "core").
int main() { return 2; }
