"""The dry run: the Azure pipeline graph built as it would be submitted, its steps run here.

`runner.dry_run` builds the SDK v1 graph on an offline workspace (`..offline`), serves the
dataset's file on a loopback URL standing in for the blob (`blob`), and runs each step as the
cluster would: script steps from a snapshot of their source folder with the argument strings
the graph resolves to (`bindings`), the AutoML step by the local engine from the settings read
back from the built AutoMLConfig (`automl_settings`), and the register step against a stand-in
run context that records the `Model.register` call (`standin_run`). Outputs land under the
output folder in Azure's download layout. Nothing here reaches the network.
"""
