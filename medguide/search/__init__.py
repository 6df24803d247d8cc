"""Site search: one index of drugs and guides, the PostgreSQL and SQLite backends behind one
interface, ranking, suggestions, the search log, its views and commands. Content apps never
import it: it hears about their changes through model signals and drugs.signals."""
