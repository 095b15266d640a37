from newsevents.loading import loading

with loading():  # spaCy and the rest import faster without collections
    from newsevents.cli import app

app(prog_name="newsevents")
