import { render } from "preact";
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { App } from "./app.tsx";
import { openDataSource } from "./data-source.ts";

render(<App data={openDataSource()} />, document.getElementById("app")!);
