/* The floor: a process that does nothing, in C (bench/generator.sh). */
int main(void) { return 0; }
