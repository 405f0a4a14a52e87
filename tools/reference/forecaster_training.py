"""Training references for Recur's forecaster (src/Recur/Forecasting): K Adam steps in PyTorch.

The module is seed 002's stock model (tools/forecast/seed002_pytorch.py's Net, time-major here):
a 2-layer LSTM (or GRU) over windows (W, N, F) -> the top layer's final hidden state -> fc1 -> ReLU ->
fc2 -> one number, trained on the MSE (mean over the batch) with Adam. The data are R random rows of
F features and a random close per row, windowed as Recur's WindowSet does: window i is rows i .. i+W-1
and its target the close of row i+W-1, so R rows give R-W+1 windows. Batches are fixed lists of window
indices, so the C# test feeds Recur the same ones in the same order.
Each file forecaster_train_<name>.safetensors holds "rows" (R, F), "close" (R), the batches as
"batch.<k>" (window indices), the weights before training ("init.<pytorch name>"), each step's loss
"losses" (K) and the weights after the K steps ("final.<pytorch name>"); the JSON "config" gives the
sizes, the cell and the learning rate.
Usage: /usr/bin/python3 forecaster_training.py OUT_DIR
"""
import json
import sys

import torch

import st


class Net(torch.nn.Module):
    def __init__(self, cell, features, hidden, fc, layers):
        super().__init__()
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = kind(features, hidden, layers)
        self.fc1 = torch.nn.Linear(hidden, fc)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(fc, 1)

    def forward(self, x):
        """x (W, N, F) -> (N, 1)."""
        _, state = self.rnn(x)
        hidden = state[0] if isinstance(state, tuple) else state
        return self.fc2(self.relu(self.fc1(hidden[-1])))


def case(out, name, cell, batches, rows=14, features=6, window=5, hidden=7, fc=5, layers=2, lr=0.01, seed=0):
    torch.manual_seed(seed)
    model = Net(cell, features, hidden, fc, layers)
    tensors = {f"init.{k}": v.clone() for k, v in model.state_dict().items()}
    data = torch.randn(rows, features)
    close = 1.5 * torch.randn(rows) + 0.5
    count = rows - window + 1
    x = torch.stack([data[i:i + window] for i in range(count)], dim=1)   # (W, count, F)
    y = close[window - 1:].unsqueeze(1)                                  # (count, 1)
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()
    losses = []
    for which in batches:
        adam.zero_grad()
        loss = loss_fn(model(x[:, which]), y[which])
        loss.backward()
        adam.step()
        losses.append(loss.item())
    tensors["rows"], tensors["close"] = data, close
    for k, which in enumerate(batches):
        tensors[f"batch.{k}"] = torch.tensor(which)
    tensors["losses"] = torch.tensor(losses, dtype=torch.float32)
    tensors.update({f"final.{k}": v.clone() for k, v in model.state_dict().items()})
    config = dict(cell=cell, rows=rows, features=features, window=window, hidden=hidden, fc=fc, layers=layers,
                  lr=lr, steps=len(batches))
    st.save(f"{out}/forecaster_train_{name}.safetensors", tensors, {"config": json.dumps(config)})


def main(out):
    # 14 rows give 10 windows: two epochs of batches of 4, 4 and 2 (DataLoader's smaller last batch), the
    # second epoch in another order and mix.
    batches = [[3, 7, 0, 9], [5, 1, 8, 2], [6, 4], [2, 6, 9, 4], [0, 8, 3, 7], [1, 5]]
    case(out, "lstm", "lstm", batches, seed=4)
    case(out, "gru", "gru", batches, seed=5)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference")
