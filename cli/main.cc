// meetleak: finds a company's Zoom meetings leaked onto public pages and feeds.
// All wiring lives in cli/; see cli/commands.h.
#include "cli/commands.h"

int main(int argc, char** argv) { return meetleak::cli::Main(argc, argv); }
