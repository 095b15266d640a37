from newsevents.cli import app

app(prog_name="newsevents")
